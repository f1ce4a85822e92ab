// mote-patch-inference computes the span of spatial layers that ends at a
// named tensor one output patch at a time: each patch slices the input
// region its layers need (the halo), keeps as padding only the part of
// each layer's padding that lies outside the image, and is inserted into
// one destination. Then the memory planner fills the destination in
// place, and the patches' tensors are small.
// RUN: mote-opt %s --mote-patch-inference="tensor=y grid=2,2" | FileCheck %s
// RUN: mote-opt %s --mote-patch-inference="tensor=y grid=2,2" --mote-plan-memory | FileCheck %s --check-prefix=PLAN
// RUN: mote-opt %s --mote-patch-inference="tensor=y grid=1,3" | FileCheck %s --check-prefix=COLS
// RUN: mote-opt %s --mote-patch-inference="tensor=m grid=2,2" | FileCheck %s --check-prefix=HALO

// The 4x4 output of the stride-2 conv in 2x2 patches. Patch (0, 0): its
// rows 0..1 read rows -1..3 of the ReLU (1 of padding), which read rows
// -1..4 of the input: a 5x5 slice at the corner, padding top and left.
// CHECK-LABEL: func.func @f
// CHECK: %[[D:.*]] = mote.empty : tensor<1x2x4x4xf32>
// CHECK-NEXT: %[[S0:.*]] = mote.slice %arg0 {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x5x5xf32>
// CHECK-NEXT: %[[A0:.*]] = mote.conv2d %[[S0]], %{{.*}} {pads = array<i64: 1, 1, 0, 0>} : {{.*}} -> tensor<1x2x4x4xf32>
// CHECK-NEXT: %[[R0:.*]] = mote.relu %[[A0]] : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
// CHECK-NEXT: %[[B0:.*]] = mote.conv2d %[[R0]], %{{.*}} {pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : {{.*}} -> tensor<1x2x2x2xf32>
// CHECK-NEXT: %[[I0:.*]] = mote.insert_slice %[[B0]] into %[[D]] {offsets = array<i64: 0, 0, 0, 0>}
// Patch (0, 1): columns 2..3 read ReLU columns 3..7 (no padding left, 0
// right), input columns 2..7 with one column of padding right.
// CHECK-NEXT: mote.slice %arg0 {starts = array<i64: 0, 0, 0, 2>, {{.*}} -> tensor<1x1x5x6xf32>
// CHECK-NEXT: mote.conv2d {{.*}} {pads = array<i64: 1, 0, 0, 1>} : {{.*}} -> tensor<1x2x4x5xf32>
// CHECK-NEXT: mote.relu
// CHECK-NEXT: mote.conv2d {{.*}} {pads = array<i64: 1, 0, 0, 0>, strides = array<i64: 2, 2>} : {{.*}} -> tensor<1x2x2x2xf32>
// CHECK-NEXT: %[[I1:.*]] = mote.insert_slice {{.*}} into %[[I0]] {offsets = array<i64: 0, 0, 0, 2>}
// CHECK-NEXT: mote.slice %arg0 {starts = array<i64: 0, 0, 2, 0>
// Patch (1, 1): no padding left in the last conv, the first pads bottom
// and right.
// CHECK: mote.slice %arg0 {starts = array<i64: 0, 0, 2, 2>, {{.*}} -> tensor<1x1x6x6xf32>
// CHECK-NEXT: mote.conv2d {{.*}} {pads = array<i64: 0, 0, 1, 1>} : {{.*}} -> tensor<1x2x5x5xf32>
// CHECK-NEXT: mote.relu
// CHECK-NEXT: mote.conv2d {{.*}} {strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT: %[[I3:.*]] = mote.insert_slice
// The span's users read the filled destination, which keeps the name.
// CHECK-NEXT: mote.global_avg_pool %[[I3]]
// CHECK-NOT: mote.conv2d
// CHECK-LABEL: func.func @dilated

// Every insert writes the destination's buffer.
// PLAN: mote.empty {mote.arena_live = {{[0-9]+}} : i64, mote.arena_offsets = array<i64: [[DEST:[0-9]+]]>}
// PLAN-COUNT-4: mote.insert_slice {{.*}}mote.arena_offsets = array<i64: [[DEST]]>

// A 1x3 grid splits the 4 columns into 0, 1 and 2..3.
// COLS: mote.insert_slice {{.*}} {offsets = array<i64: 0, 0, 0, 0>} : (tensor<1x2x4x1xf32>
// COLS: mote.insert_slice {{.*}} {offsets = array<i64: 0, 0, 0, 1>} : (tensor<1x2x4x1xf32>
// COLS: mote.insert_slice {{.*}} {offsets = array<i64: 0, 0, 0, 2>} : (tensor<1x2x4x2xf32>

func.func @f(%x: tensor<1x1x8x8xf32>) -> tensor<1x2x1x1xf32> {
  %w1 = arith.constant dense<0.5> : tensor<2x1x3x3xf32>
  %w2 = arith.constant dense<0.25> : tensor<2x2x3x3xf32>
  %c1 = mote.conv2d %x, %w1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x8x8xf32> loc(fused<{mote.result = 0 : i64, mote.tensor = "c1"}>["conv1"])
  %r = mote.relu %c1 : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc(fused<{mote.result = 0 : i64, mote.tensor = "r"}>["relu"])
  %c2 = mote.conv2d %r, %w2 {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32> loc(fused<{mote.result = 0 : i64, mote.tensor = "y"}>["conv2"])
  %g = mote.global_avg_pool %c2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  return %g : tensor<1x2x1x1xf32>
}

// Halos of a depthwise conv with dilation 2 (an effective 5x5 window,
// padding 2) and a 3x3 stride-2 max pool (padding 1) on a 9x9 image; the
// pool's 5x5 output in patches of rows and columns 0..1 and 2..4.
// Patch (0, 0): pool rows 0..1 read rows -1..3 (one of padding), which
// read input rows -2..5 (two of padding): a 6x6 slice.
// HALO-LABEL: func.func @dilated
// HALO: mote.slice %arg0 {starts = array<i64: 0, 0, 0, 0>, {{.*}} -> tensor<1x4x6x6xf32>
// HALO-NEXT: mote.conv2d {{.*}} {dilations = array<i64: 2, 2>, group = 4 : i64, pads = array<i64: 2, 2, 0, 0>} : {{.*}} -> tensor<1x4x4x4xf32>
// HALO-NEXT: mote.max_pool2d {{.*}} {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
// Patch (1, 1): pool rows 2..4 read rows 3..9 (one past the end), which
// read input rows 1..10 (two past the end): an 8x8 slice from (1, 1).
// HALO: mote.slice %arg0 {starts = array<i64: 0, 0, 1, 1>, {{.*}} -> tensor<1x4x8x8xf32>
// HALO-NEXT: mote.conv2d {{.*}} {dilations = array<i64: 2, 2>, group = 4 : i64, pads = array<i64: 0, 0, 2, 2>} : {{.*}} -> tensor<1x4x6x6xf32>
// HALO-NEXT: mote.max_pool2d {{.*}} {kernel = array<i64: 3, 3>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x3x3xf32>
// HALO-NEXT: mote.insert_slice {{.*}} {offsets = array<i64: 0, 0, 2, 2>}
func.func @dilated(%x: tensor<1x4x9x9xf32>) -> tensor<1x4x5x5xf32> {
  %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32>
  %d = mote.conv2d %x, %w {dilations = array<i64: 2, 2>, group = 4 : i64, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x4x9x9xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x9x9xf32> loc(fused<{mote.result = 0 : i64, mote.tensor = "d"}>["dw"])
  %m = mote.max_pool2d %d {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x9x9xf32>) -> tensor<1x4x5x5xf32> loc(fused<{mote.result = 0 : i64, mote.tensor = "m"}>["pool"])
  %r = mote.relu %m : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  return %r : tensor<1x4x5x5xf32>
}
