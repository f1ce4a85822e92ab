// RUN: not mote-opt %s --mote-patch-inference="tensor=nothing grid=2,2" 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not mote-opt %s --mote-patch-inference="tensor=g grid=2,2" 2>&1 | FileCheck %s --check-prefix=END
// RUN: not mote-opt %s --mote-patch-inference="tensor=y grid=5,1" 2>&1 | FileCheck %s --check-prefix=FIT
// RUN: not mote-opt %s --mote-patch-inference="tensor=y" 2>&1 | FileCheck %s --check-prefix=GRID

// NAME: patch inference: no tensor 'nothing' (a layer fused with the ones after it keeps the name of its first node
// END: patch inference: tensor 'g' is computed by 'mote.global_avg_pool', which does not run patch by patch
// FIT: patch inference: a grid of 5x1 does not fit the span's output of 4x4
// GRID: error: mote-patch-inference: grid must be ROWS,COLS

func.func @f(%x: tensor<1x1x8x8xf32>) -> tensor<1x2x1x1xf32> {
  %w2 = arith.constant dense<0.25> : tensor<2x1x3x3xf32>
  %c2 = mote.conv2d %x, %w2 {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32> loc(fused<{mote.result = 0 : i64, mote.tensor = "y"}>["conv2"])
  %g = mote.global_avg_pool %c2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32> loc(fused<{mote.result = 0 : i64, mote.tensor = "g"}>["pool"])
  return %g : tensor<1x2x1x1xf32>
}
