#!/usr/bin/env bash
# Generates TypeScript (ts-proto for nice-grpc) and the reflection descriptor set from proto/.
# Output is build output: git-ignored, never edited by hand.
set -euo pipefail
cd "$(dirname "$0")/../proto"
rm -rf ../libs/contracts/src/gen
../node_modules/.bin/buf generate
../node_modules/.bin/buf build --as-file-descriptor-set -o ../libs/contracts/descriptor.binpb
