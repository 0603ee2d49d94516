// Creates an S3 bucket if it does not exist yet: node scripts/create-bucket.js BUCKET [ENDPOINT]
const { S3Client, CreateBucketCommand, HeadBucketCommand } = require('@aws-sdk/client-s3');

async function main() {
  const [bucket, endpoint = 'http://127.0.0.1:9000'] = process.argv.slice(2);
  if (!bucket) throw new Error('usage: node scripts/create-bucket.js BUCKET [ENDPOINT]');
  const s3 = new S3Client({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1', forcePathStyle: true });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  s3.destroy();
}

main().catch((error) => {
  process.stderr.write(`create-bucket: ${error.message}\n`);
  process.exit(1);
});
