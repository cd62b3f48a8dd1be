#!/usr/bin/env node
/*
 * ort_optimize.js IN.onnx OUT.onnx - let onnxruntime write its own
 * optimized copy of a model (graphOptimizationLevel 'basic': constant
 * folding, Identity/Dropout elimination, Conv+BN and similar fusions).
 * Needs tests/oracle/node_modules (onnxruntime-node).
 */
'use strict';

const path = require('path');
const ort = require(path.join(__dirname, '..', 'oracle', 'node_modules', 'onnxruntime-node'));

async function main() {
  const [src, dst] = process.argv.slice(2);
  if (!src || !dst) {
    process.stderr.write('usage: ort_optimize.js IN.onnx OUT.onnx\n');
    process.exit(2);
  }
  await ort.InferenceSession.create(src, {
    graphOptimizationLevel: 'basic',
    optimizedModelFilePath: dst,
  });
}

main().catch((e) => {
  process.stderr.write('ort_optimize: ' + e.message + '\n');
  process.exit(2);
});
