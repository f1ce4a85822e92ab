// mote-pass-skip tiles the span ending at a named tensor as patch-based
// inference does, but stores each tile into a cache in the model's state
// and guards its ops by the tile's flag, which a gate on the span's int8
// input sets. The lowering guards every kernel call of a tile.
// RUN: mote-opt %s --mote-pass-skip="tensor=y grid=2,1 cell=4,8" | FileCheck %s
// RUN: mote-opt %s --mote-pass-skip="tensor=y grid=2,1 cell=4,8 threshold=100 store-threshold=10" | FileCheck %s --check-prefix=STORE
// RUN: mote-opt %s --mote-pass-skip="tensor=y grid=2,1 cell=4,8" --mote-lower-to-kernel-pipeline="model-name=net" | FileCheck %s --check-prefix=KERNEL
// RUN: mote-opt %s --mote-pass-skip="tensor=y grid=2,1 cell=4,8" --mote-lower-to-c-pipeline="model-name=net" | FileCheck %s --check-prefix=EMITC
// RUN: not mote-opt %s --mote-pass-skip="tensor=y grid=2,1" --mote-pass-skip="tensor=y grid=2,1" 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not mote-opt %s --mote-pass-skip="tensor=q grid=2,1" 2>&1 | FileCheck %s --check-prefix=NOCONV

!qx = !quant.uniform<i8:f32, 0.5>
!qy = !quant.uniform<i8:f32, 0.25:-3>
!qw = !quant.uniform<i8:f32, 0.1>
!qb = !quant.uniform<i32:f32, 0.05>
func.func @f(%x: tensor<1x1x8x8xf32> {mote.name = "x"}) -> (tensor<1x2x8x8xf32> {mote.name = "out"}) {
  %w = arith.constant dense<1> : tensor<2x1x3x3xi8>
  %b = arith.constant dense<0> : tensor<2xi32>
  %q = mote.quantize %x : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8x!qx> loc(fused<{mote.result = 0 : i64, mote.tensor = "q"}>["q"])
  %wq = quant.scast %w : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!qw>
  %bq = quant.scast %b : tensor<2xi32> to tensor<2x!qb>
  %y = mote.conv2d %q, %wq, %bq {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x8x8x!qx>, tensor<2x1x3x3x!qw>, tensor<2x!qb>) -> tensor<1x2x8x8x!qy> loc(fused<{mote.result = 0 : i64, mote.tensor = "y"}>["y"])
  %o = mote.dequantize %y : (tensor<1x2x8x8x!qy>) -> tensor<1x2x8x8xf32>
  return %o : tensor<1x2x8x8xf32>
}

// The state: reference frame, cell and tile flags, counters, cache.
// CHECK-DAG: ml_program.global private mutable @pass_reference : tensor<1x1x8x8xi8>
// CHECK-DAG: ml_program.global private mutable @pass_cells : tensor<2xi8>
// CHECK-DAG: ml_program.global private mutable @pass_tiles0 : tensor<2xi8>
// CHECK-DAG: ml_program.global private mutable @pass_counters : tensor<4xi32>
// CHECK-DAG: ml_program.global private mutable @pass_cache0 : tensor<1x2x8x8xi8>
// The region starts after the quantize. Output rows 0..3 read input rows
// 0..4 (cells 0..1), rows 4..7 read rows 3..7 (cells 0..1 too: the halo).
// CHECK: %[[Q:.*]] = mote.quantize
// CHECK: mote.pass_gate %[[Q]] {cell = array<i64: 4, 8>, cells = @pass_cells, counters = @pass_counters, ranges = array<i64: 0, 2, 0, 1, 0, 2, 0, 1>, reference = @pass_reference, threshold = 0 : i64, tiles = @pass_tiles0}
// CHECK-NEXT: %[[S0:.*]] = mote.slice %[[Q]] {mote.pass_tile = {mask = @pass_tiles0, tile = 0 : i64}
// CHECK-NEXT: %[[C0:.*]] = mote.conv2d %[[S0]], {{.*}}mote.pass_tile = {mask = @pass_tiles0, tile = 0 : i64}
// CHECK-NEXT: mote.pass_store %[[C0]] {cache = @pass_cache0, flags = @pass_tiles0, mote.pass_tile = {mask = @pass_tiles0, tile = 0 : i64}, offsets = array<i64: 0, 0, 0, 0>, threshold = 0 : i64, tile = 0 : i64}
// CHECK: mote.pass_store {{.*}}offsets = array<i64: 0, 0, 4, 0>, threshold = 0 : i64, tile = 1 : i64}
// CHECK-NEXT: %[[C:.*]] = ml_program.global_load @pass_cache0 : tensor<1x2x8x8xi8>
// CHECK-NEXT: %[[Y:.*]] = quant.scast %[[C]]
// CHECK-NEXT: mote.dequantize %[[Y]]

// KERNEL-LABEL: func.func @net_infer
// KERNEL: mote_kernel.call @mote_pass_frame_s8({{.*}}) {num_outputs = 4 : i64, params = {cell_h = 4 : i64, cell_w = 8 : i64, channels = 1 : i64, height = 8 : i64, threshold = 0 : i64, tiles = 2 : i64, width = 8 : i64}
// KERNEL: mote_kernel.call @mote_slice({{.*}}) if %[[T:.*]][0] : memref<2xi8>
// KERNEL: mote_kernel.call @mote_conv2d_s8({{.*}}) if %[[T]][0] : memref<2xi8>
// KERNEL: mote_kernel.call @mote_pass_store_s8(%{{.*}}, %[[CACHE:.*]], %[[T]]) if %[[T]][0] : memref<2xi8> {num_outputs = 2 : i64, params = {channels = 2 : i64, height = 8 : i64, left = 0 : i64, patch_h = 4 : i64, patch_w = 8 : i64, threshold = 0 : i64, tile = 0 : i64, top = 0 : i64, width = 8 : i64}
// KERNEL: mote_kernel.call @mote_conv2d_s8({{.*}}) if %[[T]][1] : memref<2xi8>
// KERNEL: mote_kernel.call @mote_pass_store_s8(%{{.*}}, %[[CACHE]], %[[T]]) if %[[T]][1]
// KERNEL: mote_kernel.call @mote_dequantize_s8_f32(%[[CACHE]], %arg1)
// KERNEL-LABEL: func.func @net_init_state

// EMITC: emitc.include <"stdbool.h">
// EMITC: call_opaque "mote_pass_frame_s8"
// EMITC: %[[F:.*]] = cmp ne
// EMITC-NEXT: if %[[F]] {
// EMITC-NEXT: call_opaque "mote_slice"

// The store threshold counts per cell's worth of the input's elements
// (4x8x1 = 32): a tile of 4x8x2 = 64 elements gets twice it.
// STORE: mote.pass_gate {{.*}}threshold = 100 : i64
// STORE: mote.pass_store {{.*}}threshold = 20 : i64, tile = 0 : i64}

// TWICE: the module already has a PASS span (symbol 'pass_reference')
// NOCONV: patch inference: the span ending at 'q' has no convolution or pooling
