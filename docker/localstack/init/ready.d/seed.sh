#!/bin/bash
# Seeds LocalStack's S3 with bucket `sample`, like the one localstackmount's embedded server creates,
# so a first mount shows something. LocalStack runs the executable scripts in
# /etc/localstack/init/ready.d once it serves requests (its READY stage); `awslocal` is the AWS CLI
# pointed at LocalStack, with its test credentials and region us-east-1.
# The community edition keeps nothing across restarts, so this runs on an empty S3 every time; it is
# idempotent anyway.
set -euo pipefail

bucket=sample

if ! awslocal s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
    awslocal s3api create-bucket --bucket "$bucket" >/dev/null
fi

awslocal s3 cp --content-type 'text/plain; charset=utf-8' - "s3://$bucket/README.txt" <<'TEXT'
This is the sample bucket that docker-compose's LocalStack creates for localstackmount.

It was made by docker/localstack/init/ready.d/seed.sh when LocalStack started. LocalStack's
community edition keeps its buckets in memory: everything here, and whatever you write through
the mount, is gone when the container stops.
TEXT

printf 'Hello, world!\n' | awslocal s3 cp --content-type 'text/plain; charset=utf-8' - "s3://$bucket/hello/world.txt"

echo "seed.sh: bucket $bucket ready"
