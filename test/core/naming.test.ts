/** The names both engines take from core/naming, and the constructs' own copies of them. */
import { CLOUDFRONT_ORIGIN_FACING as CONSTRUCT_PREFIX_LIST } from '../../lib/cloudfront-prefix-list';
import { ORIGIN_VERIFY_HEADER as CONSTRUCT_HEADER } from '../../lib/edge-distribution';
import { AL2023_ARM64_PARAMETER as CONSTRUCT_IMAGE_PARAMETER } from '../../lib/app-launch-template';
import { LIVENESS_PATH as CONSTRUCT_LIVENESS_PATH } from '../../lib/web-tier';
import { AL2023_ARM64_PARAMETER, CLOUDFRONT_ORIGIN_FACING, LIVENESS_PATH, ORIGIN_VERIFY_HEADER, otherRegions } from '../../core/naming';

test('the constructs in lib/ (copyable alone, so they keep their own constants) agree with core/naming', () => {
  expect(CONSTRUCT_HEADER).toBe(ORIGIN_VERIFY_HEADER);
  expect(CONSTRUCT_PREFIX_LIST).toBe(CLOUDFRONT_ORIGIN_FACING);
  expect(CONSTRUCT_LIVENESS_PATH).toBe(LIVENESS_PATH);
  expect(CONSTRUCT_IMAGE_PARAMETER).toBe(AL2023_ARM64_PARAMETER);
});

test('secrets are replicated to the other regions named, once each', () => {
  expect(otherRegions('eu-west-1', ['us-east-1', 'us-west-2', 'us-east-1', 'eu-west-1'])).toEqual(['us-east-1', 'us-west-2']);
  expect(otherRegions('us-east-1', ['us-east-1'])).toEqual([]);
});
