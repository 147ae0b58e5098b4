import { Template, Match } from 'aws-cdk-lib/assertions';
import { DataVolume } from '../../lib/data-volume';
import { bareStack } from '../support/bare-stack';

describe('DataVolume', () => {
  const stack = bareStack();
  new DataVolume(stack, 'DataVolume', { availabilityZone: 'us-east-1a' });
  const t = Template.fromStack(stack);

  test('is an encrypted 20 GiB gp3 volume snapshotted when removed', () => {
    t.hasResource('AWS::EC2::Volume', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({ AvailabilityZone: 'us-east-1a', Encrypted: true, Size: 20, VolumeType: 'gp3' }),
    });
  });

  test('is snapshotted daily, 7 kept, by a policy that selects it by its own tag', () => {
    const volume = Object.values(t.findResources('AWS::EC2::Volume'))[0];
    const tag = volume.Properties.Tags.find((x: { Key: string }) => x.Key === 'DailySnapshot');
    expect(tag.Value).toMatch(/DataVolume/);
    t.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      State: 'ENABLED',
      PolicyDetails: Match.objectLike({
        ResourceTypes: ['VOLUME'],
        TargetTags: [tag],
        Schedules: [Match.objectLike({ CreateRule: { Interval: 24, IntervalUnit: 'HOURS', Times: ['03:00'] }, RetainRule: { Count: 7 } })],
      }),
    });
  });
});
