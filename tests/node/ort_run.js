// ort_run.js - runs an ONNX model with ONNX Runtime (the reference for kiln's
// tests and benchmarks).
//
//   node ort_run.js MODEL OUTDIR [--threads N] [--bench N] [NAME=FILE.npy ...]
//
// Writes OUTDIR/<output>.npy per output (file names as kiln run writes them).
// With --bench N, runs N timed iterations after warm-up and prints
// median_ms/min_ms/max_ms like `kiln run --bench`.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const kDtypes = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array],
  '<i2': ['int16', Int16Array], '|i1': ['int8', Int8Array],
  '|u1': ['uint8', Uint8Array], '<u2': ['uint16', Uint16Array],
  '<u4': ['uint32', Uint32Array], '<u8': ['uint64', BigUint64Array],
  '|b1': ['bool', Uint8Array], '<f2': ['float16', Uint16Array],
};

function readNpy(file) {
  const bytes = fs.readFileSync(file);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',')
      .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const [type, ArrayType] = kDtypes[descr];
  const start = headerStart + headerLength;
  const data = bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length);
  let values = new ArrayType(data.slice(0));
  if (type === 'bool') values = Array.from(values, (v) => v !== 0);
  return new ort.Tensor(type, values, shape);
}

function writeNpy(file, tensor) {
  const entry = Object.entries(kDtypes).find(([, [type]]) => type === tensor.type);
  if (!entry) throw new Error(`cannot write ${tensor.type} as .npy`);
  const dims = tensor.dims.length === 1 ? `${tensor.dims[0]},` : tensor.dims.join(', ');
  let header = `{'descr': '${entry[0]}', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1; prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  let data = tensor.data;
  if (tensor.type === 'bool') data = Uint8Array.from(data, (v) => (v ? 1 : 0));
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function fileName(name) {
  let result = name.replace(/[^A-Za-z0-9._-]/g, '_');
  if (!result.length || result[0] === '.') result = '_' + result;
  return result;
}

async function main() {
  const args = process.argv.slice(2);
  let threads = 1;
  let bench = 0;
  const positional = [];
  const feeds = {};
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--threads') threads = Number(args[++i]);
    else if (args[i] === '--bench') bench = Number(args[++i]);
    else if (args[i].includes('=')) {
      const at = args[i].indexOf('=');
      feeds[args[i].slice(0, at)] = readNpy(args[i].slice(at + 1));
    } else positional.push(args[i]);
  }
  if (positional.length !== 2) {
    console.error('usage: node ort_run.js MODEL OUTDIR [--threads N] [--bench N] [NAME=FILE.npy ...]');
    process.exit(2);
  }
  const [model, outDir] = positional;
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  for (const name of session.inputNames)
    if (!(name in feeds)) throw new Error(`no value for input '${name}'`);
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of session.outputNames)
    writeNpy(path.join(outDir, fileName(name) + '.npy'), results[name]);
  if (bench > 0) {
    const warmup = Math.max(1, Math.min(10, Math.floor(bench / 10)));
    for (let i = 0; i < warmup; ++i) await session.run(feeds);
    const times = [];
    for (let i = 0; i < bench; ++i) {
      const start = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    console.log(`median_ms ${median.toFixed(4)}\nmin_ms ${times[0].toFixed(4)}\n` +
                `max_ms ${times[times.length - 1].toFixed(4)}\nruns ${times.length}`);
  }
}

main().catch((error) => { console.error(`ort_run: ${error.message}`); process.exit(1); });
