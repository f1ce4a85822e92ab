// RUN: mote-opt %s --split-input-file --verify-diagnostics --mote-split-at="tensor=b bits=4" -mlir-print-op-on-diagnostic=false

// A skip connection crosses the cut at `b`: `a` is needed after it too.
func.func @f(%x: tensor<1x4x4x4xf32> {mote.name = "x"}) -> tensor<1x4x4x4xf32> {
  %a = mote.relu %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc(#a)
  %b = mote.sigmoid %a : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc(#b)
  // expected-error @+1 {{'b' is not a cut of the model: tensor 'a' (node 'relu_node'), computed before it, is also used after it (by 'mote.add')}}
  %c = mote.add %a, %b : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}
#a = loc(fused<{mote.result = 0 : i64, mote.tensor = "a"}>["relu_node"])
#b = loc(fused<{mote.result = 0 : i64, mote.tensor = "b"}>["sigmoid_node"])

// -----

// A model input used after the cut.
func.func @f(%x: tensor<1x4x4x4xf32> {mote.name = "x"}) -> tensor<1x4x4x4xf32> {
  %b = mote.relu %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc(#b)
  // expected-error @+1 {{'b' is not a cut of the model: model input 'x', computed before it, is also used after it (by 'mote.add')}}
  %c = mote.add %x, %b : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}
#b = loc(fused<{mote.result = 0 : i64, mote.tensor = "b"}>["relu_node"])

// -----

// A second model output computed before the cut.
func.func @f(%x: tensor<1x4x4x4xf32> {mote.name = "x"}) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %a = mote.relu %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc(#a)
  %b = mote.sigmoid %a : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc(#b)
  // expected-error @+1 {{'b' is not a cut of the model: tensor 'a' (node 'relu_node'), computed before it, is also used after it (as a model output)}}
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}
#a = loc(fused<{mote.result = 0 : i64, mote.tensor = "a"}>["relu_node"])
#b = loc(fused<{mote.result = 0 : i64, mote.tensor = "b"}>["sigmoid_node"])

// -----

// expected-error @+1 {{no tensor named 'b' in the model (cuts are named by ONNX tensor names)}}
func.func @f(%x: tensor<1x4x4x4xf32> {mote.name = "x"}) -> tensor<1x4x4x4xf32> {
  %a = mote.relu %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc(#a)
  return %a : tensor<1x4x4x4xf32>
}
#a = loc(fused<{mote.result = 0 : i64, mote.tensor = "a"}>["relu_node"])

// -----

// expected-error @+1 {{cannot cut at 'b': it is a model input (the device would compute nothing)}}
func.func @f(%b: tensor<1x4x4x4xf32> {mote.name = "b"}) -> tensor<1x4x4x4xf32> {
  %a = mote.relu %b : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %a : tensor<1x4x4x4xf32>
}

// -----

// Features need a channel axis.
func.func @f(%x: tensor<16xf32> {mote.name = "x"}) -> tensor<16xf32> {
  // The error is at the node's location (an ONNX name, no file position).
  // expected-error @unknown {{cannot cut at 'b': features must have 2 to 6 dimensions (batch, channels, spatial...), not 1}}
  %b = mote.relu %x : (tensor<16xf32>) -> tensor<16xf32> loc(#b)
  return %b : tensor<16xf32>
}
#b = loc(fused<{mote.result = 0 : i64, mote.tensor = "b"}>["relu_node"])
