/** The benchmark's floor: one stack with one bucket, synthesized exactly as the stages are. */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

const app = new App();
new s3.Bucket(new Stack(app, 'Trivial', { env: { region: 'us-east-1' } }), 'Bucket');
app.synth();
