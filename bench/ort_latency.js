// Median single-thread latency of ONNX Runtime on a model, in microseconds.
// Usage: node ort_latency.js MODEL.onnx INPUT_NAME SHAPE_JSON RUNS
'use strict';
const path = require('path');
const ort = require(path.join(process.env.MOTE_DEPS || '.deps', 'node_modules', 'onnxruntime-node'));

(async () => {
  const [model, name, shapeJson, runsText] = process.argv.slice(2);
  const shape = JSON.parse(shapeJson);
  const runs = parseInt(runsText, 10);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential'});
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; ++i) data[i] = ((i * 7919) % 255) / 255;
  const feeds = {[name]: new ort.Tensor('float32', data, shape)};
  for (let i = 0; i < 10; ++i) await session.run(feeds); // warm up
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(times[Math.floor(times.length / 2)].toFixed(1));
})().catch((e) => { console.error('ort_latency: ' + e.message); process.exit(1); });
