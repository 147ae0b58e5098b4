/**
 * The diff engine on small hand-written templates, where the right answer is known from the
 * CloudFormation documentation: which changes replace, which interrupt, what happens to data.
 */
import { diffStages } from '../../tools/stage-diff';

const volume = (props: object, policy?: string) => ({ Type: 'AWS::EC2::Volume', Properties: { AvailabilityZone: 'us-east-1a', Size: 20, ...props }, ...(policy ? { DeletionPolicy: policy } : {}) });

describe('diffStages', () => {
  // GIVEN a producer and a consumer stack at the old stage
  const before = {
    producer: {
      Resources: {
        Data: volume({}, 'Snapshot'),
        Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', EngineVersion: '16.6' }, DeletionPolicy: 'Snapshot' },
        Legacy: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', DatabaseName: 'app' }, DeletionPolicy: 'Snapshot' },
        Scratch: { Type: 'AWS::S3::Bucket', Properties: {} },
        Archive: { Type: 'AWS::S3::Bucket', Properties: {}, DeletionPolicy: 'Retain' },
      },
      Outputs: {
        VolumeId: { Value: { Ref: 'Data' } },
        ClusterPort: { Value: '5433', Export: { Name: 'producer:ClusterPort' } },
      },
    },
    consumer: {
      Resources: {
        Box: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 't4g.small', UserData: 'a', ImageId: 'ami-1' } },
        Reader: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::GetStackOutput': { StackName: 'producer', OutputName: 'VolumeId' } } } },
        Port: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::ImportValue': 'producer:ClusterPort' } } },
      },
    },
  };
  // WHEN the new stage upgrades one cluster's engine, renames the other's database, drops the
  // volume, both buckets and the outputs, changes the box's image and adds a queue
  const after = {
    producer: {
      Resources: {
        Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', EngineVersion: '16.8' }, DeletionPolicy: 'Snapshot' },
        Legacy: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', DatabaseName: 'main' }, DeletionPolicy: 'Snapshot' },
        Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
      },
    },
    consumer: {
      Resources: {
        Box: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 't4g.small', UserData: 'a', ImageId: 'ami-2' } },
      },
    },
  };
  const diff = diffStages(1, 2, before, after);
  const fate = (id: string) => diff.data.find((d) => d.logicalId === id)?.fate;

  test('classifies each stack\'s changes', () => {
    const producer = diff.stacks.find((s) => s.stack === 'producer')!;
    expect(producer.added.map((c) => c.logicalId)).toEqual(['Queue']);
    expect(producer.replaced).toEqual([{ logicalId: 'Legacy', type: 'AWS::RDS::DBCluster', properties: ['DatabaseName'] }]);
    expect(producer.removed.map((c) => c.logicalId).sort()).toEqual(['Archive', 'Data', 'Scratch']);
  });

  test('marks an in-place update that interrupts the resource', () => {
    const producer = diff.stacks.find((s) => s.stack === 'producer')!;
    expect(producer.updated).toEqual([{ logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', properties: ['EngineVersion'], interrupts: ['EngineVersion'] }]);
  });

  test('replaces an instance whose image changes, without counting it as data', () => {
    const consumer = diff.stacks.find((s) => s.stack === 'consumer')!;
    expect(consumer.replaced).toEqual([{ logicalId: 'Box', type: 'AWS::EC2::Instance', properties: ['ImageId'] }]);
    expect(diff.data.map((d) => d.logicalId)).not.toContain('Box');
  });

  test('says what happens to each resource that holds data', () => {
    expect(fate('Data')).toBe('snapshotted');
    expect(fate('Archive')).toBe('retained');
    expect(fate('Scratch')).toBe('deleted');
    expect(fate('Cluster')).toBe('updated');
    expect(fate('Legacy')).toBe('replaced');
    expect(fate('Queue')).toBe('created');
  });

  test('finds the export that would deadlock and the output that would strand the consumer', () => {
    expect(diff.brokenReferences).toEqual(expect.arrayContaining([
      { consumer: 'consumer', producer: 'producer', name: 'producer:ClusterPort', kind: 'deadlock' },
      { consumer: 'consumer', producer: 'producer', name: 'VolumeId', kind: 'stranded' },
    ]));
    expect(diff.brokenReferences).toHaveLength(2);
  });

  test('is a downgrade when the target stage is lower', () => {
    expect(diffStages(2, 1, after, before).direction).toBe('downgrade');
  });

  test('refuses to diff a stage with itself', () => {
    expect(() => diffStages(2, 2, before, before)).toThrow('cannot diff stage 2 with itself');
  });
});
