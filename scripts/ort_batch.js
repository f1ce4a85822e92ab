// Runs a batch-1 ONNX model with ONNX Runtime (CPU, one thread) over N
// samples stored back to back as raw float32, writing the outputs the same
// way. Usage: node ort_batch.js MODEL INPUT_NAME SAMPLE_SHAPE_JSON IN.bin
//                               COUNT OUTPUT_NAME OUT.bin
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(process.env.MOTE_DEPS ||
    path.join(__dirname, '..', '.deps'), 'node_modules', 'onnxruntime-node'));

(async () => {
  const [model, inputName, shapeJson, inFile, countText, outputName, outFile] =
      process.argv.slice(2);
  const shape = JSON.parse(shapeJson);
  const count = parseInt(countText, 10);
  const per = shape.reduce((a, b) => a * b, 1);
  const bytes = fs.readFileSync(inFile);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  if (all.length !== per * count) throw new Error('input has ' + all.length + ' values, expected ' + per * count);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential'});
  const chunks = [];
  for (let i = 0; i < count; ++i) {
    const x = new ort.Tensor('float32', all.slice(i * per, (i + 1) * per), shape);
    const r = await session.run({[inputName]: x});
    chunks.push(Buffer.from(Float32Array.from(r[outputName].data).buffer));
  }
  fs.writeFileSync(outFile, Buffer.concat(chunks));
})().catch((e) => { console.error('ort_batch: ' + e.message); process.exit(1); });
