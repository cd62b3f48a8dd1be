#!/usr/bin/env node
/*
 * ort_compare.js - onnxruntime oracle for graphsmith.
 *
 * Usage:
 *   node ort_compare.js [--atol X] [--min-cosine C] [--seed N]
 *                       [--shape NAME=D0,D1,...]... A.onnx [B.onnx]
 *
 * Loads A (and B) with onnxruntime-node, builds deterministic pseudo-random
 * inputs from A's input metadata (symbolic/unknown dims -> 1 unless --shape
 * overrides them; float inputs uniform in [-1,1], integer inputs small ints in
 * [0,4), bool inputs 0/1), feeds the same tensors to B (inputs matched by
 * position, so names may differ), and compares outputs by position.
 *
 * Prints one JSON line:
 *   {"outputs":[{"name":..,"max_abs_diff":..,"cosine":..,"scale":max|a|}],"ok":bool}
 * Exit codes: 0 every output has cosine >= min-cosine and
 *               max_abs_diff <= atol*max(1,scale)  (or: only A given and it ran)
 *             1 some output differs, output/input counts or shapes disagree,
 *               or B loaded but could not run on A's inputs
 *             2 a model failed to load, or A failed to run (error printed)
 *
 * Needs onnxruntime-node installed next to this file:
 *   cd tests/oracle && npm install      (offline: ONNXRUNTIME_NODE_INSTALL=skip npm install)
 */
'use strict';

const path = require('path');

function usage(msg) {
  if (msg) process.stderr.write('ort_compare: ' + msg + '\n');
  process.stderr.write(
    'usage: node ort_compare.js [--atol X] [--min-cosine C] [--seed N] ' +
    '[--shape NAME=D0,D1,...] A.onnx [B.onnx]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opt = { atol: 1e-4, minCosine: 0.99999, seed: 1, shapes: {}, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage('missing value for ' + a);
      return argv[++i];
    };
    if (a === '--atol') opt.atol = Number(val());
    else if (a === '--min-cosine') opt.minCosine = Number(val());
    else if (a === '--seed') opt.seed = Number(val()) >>> 0;
    else if (a === '--shape') {
      const s = val();
      const eq = s.lastIndexOf('=');
      if (eq <= 0) usage('bad --shape ' + s);
      const dims = s.slice(eq + 1) === '' ? [] : s.slice(eq + 1).split(',').map(Number);
      if (dims.some((d) => !Number.isInteger(d) || d < 0)) usage('bad --shape ' + s);
      opt.shapes[s.slice(0, eq)] = dims;
    } else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage('unknown option ' + a);
    else opt.files.push(a);
  }
  if (opt.files.length < 1 || opt.files.length > 2) usage('need one or two model files');
  if (!(opt.atol >= 0) || !(opt.minCosine <= 1)) usage('bad --atol / --min-cosine');
  return opt;
}

// mulberry32: small, fast, deterministic 32-bit PRNG.
function makeRng(seed) {
  let s = seed >>> 0;
  return function () {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// float32 -> IEEE half bits (round to nearest; inputs are in [-1,1] so no overflow).
function toHalfBits(f) {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setFloat32(0, f);
  const x = buf.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign; // flush tiny values to zero
  if (exp >= 31) return sign | 0x7c00;
  return (sign | (exp << 10)) + Math.round(mant / 8192); // a carry bumps exp: still correct
}

function fromHalfBits(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * Math.pow(2, -24);
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * Math.pow(2, exp - 15);
}

function makeInput(ort, meta, shapeOverride, rng) {
  if (!meta.isTensor) throw new Error('input ' + meta.name + ' is not a tensor; unsupported');
  let dims = shapeOverride[meta.name];
  if (!dims) dims = (meta.shape || []).map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
  const n = dims.reduce((p, d) => p * d, 1);
  const uf = () => rng() * 2 - 1;
  const ui = () => Math.floor(rng() * 4);
  let data;
  switch (meta.type) {
    case 'float32': data = Float32Array.from({ length: n }, uf); break;
    case 'float64': data = Float64Array.from({ length: n }, uf); break;
    case 'float16': data = Uint16Array.from({ length: n }, () => toHalfBits(uf())); break;
    case 'int64': data = BigInt64Array.from({ length: n }, () => BigInt(ui())); break;
    case 'uint64': data = BigUint64Array.from({ length: n }, () => BigInt(ui())); break;
    case 'int32': data = Int32Array.from({ length: n }, ui); break;
    case 'uint32': data = Uint32Array.from({ length: n }, ui); break;
    case 'int16': data = Int16Array.from({ length: n }, ui); break;
    case 'uint16': data = Uint16Array.from({ length: n }, ui); break;
    case 'int8': data = Int8Array.from({ length: n }, ui); break;
    case 'uint8': data = Uint8Array.from({ length: n }, ui); break;
    case 'bool': data = Uint8Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0)); break;
    case 'string': data = Array.from({ length: n }, () => 's' + ui()); break;
    default: throw new Error('input ' + meta.name + ': unsupported type ' + meta.type);
  }
  return new ort.Tensor(meta.type, data, dims);
}

function toNumbers(t) {
  const d = t.data;
  if (t.type === 'float16' && d instanceof Uint16Array) return Array.from(d, fromHalfBits);
  if (t.type === 'string') return null;
  return Array.from(d, Number); // BigInt -> Number is fine for small values
}

function finiteOrNull(x) { return Number.isFinite(x) ? x : null; }

function compareTensors(name, ta, tb, opt) {
  const r = { name, max_abs_diff: null, cosine: null, scale: null };
  const sa = Array.from(ta.dims), sb = Array.from(tb.dims);
  if (sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) {
    r.error = 'shape mismatch ' + JSON.stringify(sa) + ' vs ' + JSON.stringify(sb);
    return [r, false];
  }
  if (ta.type === 'string' || tb.type === 'string') {
    const eq = ta.type === tb.type && ta.data.every((v, i) => v === tb.data[i]);
    Object.assign(r, { max_abs_diff: eq ? 0 : 1, cosine: eq ? 1 : 0, scale: 1 });
    return [r, eq];
  }
  const a = toNumbers(ta), b = toNumbers(tb);
  // Pass 1: max |a-b|, scale = max|a|, and a common normaliser so the cosine
  // sums cannot overflow (e.g. doubles near 1e300).  NaN==NaN and equal
  // infinities count as equal; any other non-finite mismatch is an infinite diff.
  let maxd = 0, scale = 0, norm = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || !Number.isFinite(y)) {
      if (!(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)))) maxd = Infinity;
      continue;
    }
    const d = Math.abs(x - y);
    if (d > maxd) maxd = d;
    if (Math.abs(x) > scale) scale = Math.abs(x);
    norm = Math.max(norm, Math.abs(x), Math.abs(y));
  }
  if (norm === 0) norm = 1;
  // Pass 2: cosine over the finite pairs, on normalised values.
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    const x = a[i] / norm, y = b[i] / norm;
    dot += x * y; na += x * x; nb += y * y;
  }
  let cos;
  if (na === 0 && nb === 0) cos = 1;
  else if (na === 0 || nb === 0) cos = 0;
  else cos = Math.min(1, dot / (Math.sqrt(na) * Math.sqrt(nb)));
  r.max_abs_diff = finiteOrNull(maxd);
  r.cosine = finiteOrNull(cos);
  r.scale = finiteOrNull(scale);
  if (ta.type !== tb.type) r.note = 'dtype ' + ta.type + ' vs ' + tb.type;
  const ok = Number.isFinite(maxd) && Number.isFinite(cos) &&
    cos >= opt.minCosine && maxd <= opt.atol * Math.max(1, scale);
  return [r, ok];
}

function fail(code, msg, extra) {
  process.stdout.write(JSON.stringify(Object.assign({ outputs: [], ok: false, error: msg }, extra || {})) + '\n');
  process.stderr.write('ort_compare: ' + msg + '\n');
  process.exit(code);
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(2, 'cannot load onnxruntime-node (run npm install in ' + __dirname + '): ' + e.message);
  }
  const sessOpts = { logSeverityLevel: 3, intraOpNumThreads: 1, interOpNumThreads: 1 };
  const sessions = [];
  for (const f of opt.files) {
    try {
      sessions.push(await ort.InferenceSession.create(path.resolve(f), sessOpts));
    } catch (e) {
      fail(2, 'failed to load ' + f + ': ' + (e && e.message ? e.message : String(e)));
    }
  }
  const [sa, sb] = sessions;

  // Inputs come from A's metadata; B gets the very same tensors by position.
  const rng = makeRng(opt.seed);
  const metaA = sa.inputMetadata;
  const feedsA = {};
  const tensors = [];
  try {
    for (const m of metaA) {
      const t = makeInput(ort, m, opt.shapes, rng);
      feedsA[m.name] = t;
      tensors.push(t);
    }
  } catch (e) {
    fail(2, 'cannot build inputs for ' + opt.files[0] + ': ' + e.message);
  }

  let outA, outB;
  try {
    outA = await sa.run(feedsA);
  } catch (e) {
    fail(2, 'failed to run ' + opt.files[0] + ': ' + e.message);
  }
  const namesA = sa.outputNames;

  if (!sb) {
    const outputs = namesA.map((n) => {
      const t = outA[n];
      const v = toNumbers(t);
      const scale = v ? v.reduce((m, x) => (Math.abs(x) > m ? Math.abs(x) : m), 0) : null;
      return { name: n, type: t.type, shape: Array.from(t.dims), scale: finiteOrNull(scale) };
    });
    process.stdout.write(JSON.stringify({ outputs, ok: true }) + '\n');
    process.exit(0);
  }

  if (sb.inputNames.length !== tensors.length) {
    fail(1, 'input count differs: ' + tensors.length + ' vs ' + sb.inputNames.length);
  }
  const feedsB = {};
  sb.inputNames.forEach((n, i) => { feedsB[n] = tensors[i]; });
  try {
    outB = await sb.run(feedsB);
  } catch (e) {
    // B loaded but cannot consume A's inputs (wrong shapes/types): not equivalent.
    fail(1, 'failed to run ' + opt.files[1] + ' with ' + opt.files[0] + "'s inputs: " + e.message);
  }
  const namesB = sb.outputNames;

  const outputs = [];
  let ok = namesA.length === namesB.length;
  const n = Math.min(namesA.length, namesB.length);
  for (let i = 0; i < n; i++) {
    const [r, good] = compareTensors(namesA[i], outA[namesA[i]], outB[namesB[i]], opt);
    if (namesB[i] !== namesA[i]) r.name_b = namesB[i];
    outputs.push(r);
    ok = ok && good;
  }
  const result = { outputs, ok };
  if (namesA.length !== namesB.length) {
    result.error = 'output count differs: ' + namesA.length + ' vs ' + namesB.length;
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(ok ? 0 : 1);
}

main().catch((e) => fail(2, 'unexpected error: ' + (e && e.stack ? e.stack : String(e))));
