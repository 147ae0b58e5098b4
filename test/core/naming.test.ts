/** The names both engines take from core/naming. */
import { otherRegions } from '../../core/naming';

test('secrets are replicated to the other regions named, once each', () => {
  expect(otherRegions('eu-west-1', ['us-east-1', 'us-west-2', 'us-east-1', 'eu-west-1'])).toEqual(['us-east-1', 'us-west-2']);
  expect(otherRegions('us-east-1', ['us-east-1'])).toEqual([]);
});
