// mote-split-at cuts an imported model at a named tensor: the device
// function computes what the cut depends on and encodes it, the server
// function decodes it and runs the rest.
//
// An int8 cut of the QDQ example (the QuantizeLinear output `a1_q`): the
// device encodes the int8 tensor, the server decodes and quantizes it back
// to the cut's type before the next dequantize.
// RUN: mote-translate --import-onnx %mote_src/examples/tiny_qdq_cnn.onnxtxt --mlir-print-debuginfo | mote-opt --mote-split-at="tensor=a1_q bits=4 groups=2" | FileCheck %s --check-prefix=INT8
// INT8: module attributes {mote.model = "main"}
// INT8: func.func @main_device_forward(%[[X:.*]]: tensor<1x1x8x8xf32> {mote.name = "image"}, %[[SEQ:.*]]: tensor<1xi32> {mote.name = "sequence"}) -> (tensor<216xi8> {mote.name = "packet"}, tensor<1xi32> {mote.name = "packet_bytes"})
// INT8: mote.conv2d
// INT8: %[[Q:.*]] = mote.quantize {{.*}} -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>
// INT8-NEXT: %[[P:.*]], %[[N:.*]] = mote.sgq_encode %[[Q]], %[[SEQ]] {bits = 4 : i64, group_ends = array<i64: 2, 4>, permutation = array<i64: 0, 1, 2, 3>, stripe = 64 : i64}
// INT8-NEXT: return %[[P]], %[[N]]
// INT8: func.func @main_server(%[[PK:.*]]: tensor<216xi8> {mote.name = "packet"}, %[[NB:.*]]: tensor<1xi32> {mote.name = "packet_bytes"}) -> (tensor<1x4xf32> {mote.name = "scores"})
// INT8-NEXT: %[[F:.*]] = mote.sgq_decode %[[PK]], %[[NB]] {{.*}} -> tensor<1x4x4x4xf32>
// INT8-NEXT: %[[R:.*]] = mote.quantize %[[F]] {{.*}} -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>
// INT8-NEXT: mote.dequantize %[[R]]
// INT8-NOT: mote.sgq
// INT8: mote.fully_connected
// INT8-NOT: func.func @main(

// A float cut with the driver's grouping and the codec options: the
// device ends at the relu, the server starts at its consumer; constants
// the server needs are cloned into it.
// RUN: mote-opt %s --mote-split-at="tensor=r bits=2 stripe=8 rounding=stochastic grouping-id=7 permutation=3,1,0,2 group-ends=1,4 embed-grouping=true" | FileCheck %s --check-prefix=FLOAT
// FLOAT: func.func @f_device_forward(%[[X:.*]]: tensor<1x4x4x4xf32> {mote.name = "x"}, %[[SEQ:.*]]: tensor<1xi32> {mote.name = "sequence"})
// FLOAT-NEXT: %[[R:.*]] = mote.relu %[[X]]
// FLOAT-NEXT: mote.sgq_encode %[[R]], %[[SEQ]] {bits = 2 : i64, embed_grouping = true, group_ends = array<i64: 1, 4>, grouping_id = 7 : i64, permutation = array<i64: 3, 1, 0, 2>, rounding = "stochastic", stripe = 8 : i64}
// FLOAT: func.func @f_server(
// FLOAT-NEXT: %[[D:.*]] = mote.sgq_decode
// FLOAT-NEXT: %[[C:.*]] = arith.constant dense<2.000000e+00>
// FLOAT-NEXT: %[[M:.*]] = mote.mul %[[D]], %[[C]]
// FLOAT-NEXT: %[[S:.*]] = mote.sigmoid %[[M]]
// FLOAT-NEXT: return %[[S]]

// Two samples per packet: the device slices each sample from its stacked
// input, runs its ops on it and encodes both cuts, concatenated; the
// server decodes both, runs the rest on each (the constant once) and
// stacks the outputs.
// RUN: mote-opt %s --mote-split-at="tensor=r bits=4 samples=2" | FileCheck %s --check-prefix=TWO
// TWO: func.func @f_device_forward(%[[X:.*]]: tensor<2x4x4x4xf32> {mote.name = "x"}, %[[SEQ:[a-z0-9]+]]: tensor<1xi32> {mote.name = "sequence"})
// TWO-NEXT: %[[X0:.*]] = mote.slice %[[X]] {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<2x4x4x4xf32>) -> tensor<1x4x4x4xf32>
// TWO-NEXT: %[[R0:.*]] = mote.relu %[[X0]]
// TWO-NEXT: %[[X1:.*]] = mote.slice %[[X]] {starts = array<i64: 1, 0, 0, 0>
// TWO-NEXT: %[[R1:.*]] = mote.relu %[[X1]]
// TWO-NEXT: %[[B:.*]] = mote.concat %[[R0]], %[[R1]] {axis = 0 : i64} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<2x4x4x4xf32>
// TWO-NEXT: mote.sgq_encode %[[B]], %[[SEQ]] {{.*}} : (tensor<2x4x4x4xf32>, tensor<1xi32>) -> (tensor<[[CAP:[0-9]+]]xi8>, tensor<1xi32>)
// TWO: func.func @f_server({{.*}}: tensor<[[CAP]]xi8> {{.*}}) -> (tensor<2x4x4x4xf32> {mote.name = "y"})
// TWO-NEXT: %[[D:.*]] = mote.sgq_decode {{.*}} -> tensor<2x4x4x4xf32>
// TWO-NEXT: %[[C:.*]] = arith.constant dense<2.000000e+00>
// TWO-NEXT: %[[D0:.*]] = mote.slice %[[D]] {starts = array<i64: 0, 0, 0, 0>
// TWO-NEXT: %[[M0:.*]] = mote.mul %[[D0]], %[[C]]
// TWO-NEXT: %[[S0:.*]] = mote.sigmoid %[[M0]]
// TWO-NEXT: %[[D1:.*]] = mote.slice %[[D]] {starts = array<i64: 1, 0, 0, 0>
// TWO-NEXT: %[[M1:.*]] = mote.mul %[[D1]], %[[C]]
// TWO-NEXT: %[[S1:.*]] = mote.sigmoid %[[M1]]
// TWO-NEXT: %[[Y:.*]] = mote.concat %[[S0]], %[[S1]] {axis = 0 : i64}
// TWO-NEXT: return %[[Y]] : tensor<2x4x4x4xf32>

func.func @f(%x: tensor<1x4x4x4xf32> {mote.name = "x"}) -> (tensor<1x4x4x4xf32> {mote.name = "y"}) {
  %r = mote.relu %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc(#r)
  %c = arith.constant dense<2.0> : tensor<1x4x4x4xf32>
  %m = mote.mul %r, %c : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc(#m)
  %s = mote.sigmoid %m : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %s : tensor<1x4x4x4xf32>
}
#r = loc(fused<{mote.result = 0 : i64, mote.tensor = "r"}>["relu_node"])
#m = loc(fused<{mote.result = 0 : i64, mote.tensor = "m"}>["mul_node"])
