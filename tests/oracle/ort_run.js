#!/usr/bin/env node
/*
 * ort_run.js - runs a model in onnxruntime on inputs given as .npy files and
 * writes every output as OUTDIR/<index>.npy (float32, int64, int32, bool,
 * uint8, int8 and float64 arrays; little-endian, C order).
 *
 *   node ort_run.js [--threads N] [--bench N] MODEL OUTDIR NAME=FILE.npy...
 *
 * With --bench N it also prints {"median_ms": ...} of N runs after a warm-up
 * (graph optimizations all, N intra-op threads, default 1).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

const DT = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array],
  '|b1': ['bool', Uint8Array], '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array],
  '<f2': ['float16', Uint16Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12);
  const header = buf.slice(start, start + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)[1];
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const [type, Arr] = DT[descr];
  const body = buf.slice(start + hlen);
  const copy = new Uint8Array(body.length);
  copy.set(body);
  const data = type === 'bool' ? new Uint8Array(copy.buffer).map((x) => x !== 0)
    : new Arr(copy.buffer, 0, body.length / Arr.BYTES_PER_ELEMENT);
  return new ort.Tensor(type, type === 'bool' ? Array.from(data) : data, dims);
}

function writeNpy(file, t) {
  const map = { float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', bool: '|b1',
    uint8: '|u1', int8: '|i1', float16: '<f2' };
  let header = `{'descr': '${map[t.type]}', 'fortran_order': False, 'shape': (` +
    t.dims.join(', ') + (t.dims.length === 1 ? ',' : '') + '), }';
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  let body;
  if (t.type === 'bool') body = Buffer.from(Uint8Array.from(t.data, (x) => (x ? 1 : 0)));
  else body = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

async function main() {
  const args = process.argv.slice(2);
  let threads = 1, bench = 0;
  while (args[0] && args[0].startsWith('--')) {
    const a = args.shift();
    if (a === '--threads') threads = Number(args.shift());
    else if (a === '--bench') bench = Number(args.shift());
  }
  const [model, outdir, ...pairs] = args;
  const feeds = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    feeds[p.slice(0, eq)] = readNpy(p.slice(eq + 1));
  }
  const sess = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const out = await sess.run(feeds);
  fs.mkdirSync(outdir, { recursive: true });
  sess.outputNames.forEach((name, i) => writeNpy(path.join(outdir, `${i}.npy`), out[name]));
  if (bench > 0) {
    const ms = [];
    for (let i = 0; i < bench; i++) {
      const t0 = process.hrtime.bigint();
      await sess.run(feeds);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const med = bench % 2 ? ms[(bench - 1) / 2] : (ms[bench / 2 - 1] + ms[bench / 2]) / 2;
    process.stdout.write(JSON.stringify({ median_ms: med, rss_mb: process.memoryUsage().rss / 1048576 }) + '\n');
  }
}
main().catch((e) => { process.stderr.write('ort_run: ' + e.message + '\n'); process.exit(2); });
