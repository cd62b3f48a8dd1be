#!/usr/bin/env node
/*
 * ort_kernels.js - which kernels onnxruntime runs for a model after its
 * graph optimizations: loads MODEL with profiling on, runs it once on
 * zeros (symbolic dims as 1) and prints {"OP": count, ...} of the nodes
 * the profile records (for example QLinearConv once QDQ fusion took).
 *
 *   node ort_kernels.js MODEL
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

const TYPES = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array };

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortprof-'));
  const s = await ort.InferenceSession.create(process.argv[2], {
    enableProfiling: true, profileFilePrefix: path.join(dir, 'p'),
    graphOptimizationLevel: 'all', intraOpNumThreads: 1,
  });
  const feeds = {};
  // onnxruntime-node does not expose input shapes: the caller's models
  // take one float input; its shape comes from argv (default [1,1,8,8])
  const dims = (process.argv[3] || '1,1,8,8').split(',').map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  feeds[s.inputNames[0]] = new ort.Tensor('float32', new TYPES.float32(n), dims);
  await s.run(feeds);
  if (s.endProfiling) s.endProfiling();
  const counts = {};
  for (const f of fs.readdirSync(dir)) {
    for (const e of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) {
      if (e.cat === 'Node' && e.args && e.args.op_name && e.name.endsWith('_kernel_time'))
        counts[e.args.op_name] = (counts[e.args.op_name] || 0) + 1;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(counts));
})().catch((e) => { console.error(String(e)); process.exit(2); });
