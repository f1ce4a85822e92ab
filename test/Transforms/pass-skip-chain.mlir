// mote-pass-skip with several tensors: a chain of spans, each starting at
// the cached output of the one before. The first is gated by the input's
// cells, each later one by mote.pass_propagate from the tiles of the span
// before that its tiles' input regions (halo included) meet.
// RUN: mote-opt %s --mote-pass-skip="tensor=y1,y2 grid=4,1 cell=4,8" | FileCheck %s
// RUN: mote-opt %s --mote-pass-skip="tensor=y1,y2 grid=4,1 cell=4,8" --mote-lower-to-kernel-pipeline="model-name=net" | FileCheck %s --check-prefix=KERNEL
// RUN: not mote-opt %s --mote-pass-skip="tensor=y2,y1 grid=4,1" 2>&1 | FileCheck %s --check-prefix=ORDER

!qx = !quant.uniform<i8:f32, 0.5>
!qy = !quant.uniform<i8:f32, 0.25:-3>
!qw = !quant.uniform<i8:f32, 0.1>
!qb = !quant.uniform<i32:f32, 0.05>
!qb2 = !quant.uniform<i32:f32, 0.025>
func.func @f(%x: tensor<1x1x8x8xf32> {mote.name = "x"}) -> (tensor<1x2x8x8xf32> {mote.name = "out"}) {
  %w = arith.constant dense<1> : tensor<2x1x3x3xi8>
  %w2 = arith.constant dense<1> : tensor<2x2x3x3xi8>
  %b = arith.constant dense<0> : tensor<2xi32>
  %q = mote.quantize %x : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8x!qx> loc(fused<{mote.result = 0 : i64, mote.tensor = "q"}>["q"])
  %wq = quant.scast %w : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!qw>
  %w2q = quant.scast %w2 : tensor<2x2x3x3xi8> to tensor<2x2x3x3x!qw>
  %bq = quant.scast %b : tensor<2xi32> to tensor<2x!qb>
  %b2q = quant.scast %b : tensor<2xi32> to tensor<2x!qb2>
  %y1 = mote.conv2d %q, %wq, %bq {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x8x8x!qx>, tensor<2x1x3x3x!qw>, tensor<2x!qb>) -> tensor<1x2x8x8x!qy> loc(fused<{mote.result = 0 : i64, mote.tensor = "y1"}>["y1"])
  %y2 = mote.conv2d %y1, %w2q, %b2q {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8x!qy>, tensor<2x2x3x3x!qw>, tensor<2x!qb2>) -> tensor<1x2x8x8x!qy> loc(fused<{mote.result = 0 : i64, mote.tensor = "y2"}>["y2"])
  %o = mote.dequantize %y2 : (tensor<1x2x8x8x!qy>) -> tensor<1x2x8x8xf32>
  return %o : tensor<1x2x8x8xf32>
}

// CHECK-DAG: ml_program.global private mutable @pass_tiles0 : tensor<4xi8>
// CHECK-DAG: ml_program.global private mutable @pass_cache0 : tensor<1x2x8x8xi8>
// CHECK-DAG: ml_program.global private mutable @pass_tiles1 : tensor<4xi8>
// CHECK-DAG: ml_program.global private mutable @pass_cache1 : tensor<1x2x8x8xi8>
// CHECK: mote.pass_gate
// CHECK-SAME: tiles = @pass_tiles0
// CHECK: mote.pass_store {{.*}}cache = @pass_cache0, flags = @pass_tiles0, {{.*}}offsets = array<i64: 0, 0, 6, 0>, threshold = 0 : i64, tile = 3 : i64}
// CHECK-NEXT: %[[C0:.*]] = ml_program.global_load @pass_cache0
// CHECK-NEXT: %[[Y1:.*]] = quant.scast %[[C0]]
// Rows [0, 2) of y2 read rows [0, 3) of y1: its tiles 0 and 1; rows
// [2, 4) read [1, 5): tiles 0 to 2; and so on.
// CHECK-NEXT: mote.pass_propagate {counters = @pass_counters, ranges = array<i64: 0, 2, 0, 1, 0, 3, 0, 1, 1, 4, 0, 1, 2, 4, 0, 1>, source = @pass_tiles0, source_grid = array<i64: 4, 1>, tiles = @pass_tiles1}
// CHECK-NEXT: mote.slice %[[Y1]] {mote.pass_tile = {mask = @pass_tiles1, tile = 0 : i64}
// CHECK: mote.pass_store {{.*}}cache = @pass_cache1, flags = @pass_tiles1
// CHECK: ml_program.global_load @pass_cache1

// KERNEL: mote_kernel.call @mote_pass_frame_s8(
// KERNEL: mote_kernel.call @mote_pass_propagate({{.*}}) {num_outputs = 2 : i64, params = {source_cols = 1 : i64, source_rows = 4 : i64, tiles = 4 : i64}

// ORDER: the tensors of a chain are listed in the order the model computes them ('y1' comes before the tensor listed before it)
