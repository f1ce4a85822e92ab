// RUN: mote-opt %s -mote-plan-memory=target=cortex-m4 | FileCheck %s --check-prefix=M4
// RUN: mote-opt %s -mote-plan-memory=target=generic-c | FileCheck %s --check-prefix=GENERIC
// RUN: not mote-opt %s -mote-plan-memory=target=cortex-m7 2>&1 | FileCheck %s --check-prefix=BAD

// The plan holds the work space of the target's kernels: on Cortex-M4 the
// int8 convolution runs on the matrix-product kernel, whose gathered
// columns (a block of pixels, widened to int16) are a buffer
// live during the layer; the portable kernel needs none.
// (8 pixels of the 16 per block x 4 values x 3 bytes.)
// M4: mote.arena_bytes = 224 : i64, mote.arena_lower_bound = 224 : i64
// M4: mote.conv2d {{.*}}mote.arena_live = 224 : i64, mote.arena_offsets = array<i64: 0>, mote.scratch = array<i64: 128, 96>
// M4: mote.relu {{.*}}mote.arena_live = 128 : i64}
// GENERIC: mote.arena_bytes = 128 : i64, mote.arena_lower_bound = 128 : i64
// GENERIC-NOT: mote.scratch
// BAD: unknown target 'cortex-m7' (known: generic-c
!q = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.1>
func.func @scratch(%x: tensor<1x4x4x4x!q>) -> tensor<1x8x4x4x!q> {
  %w = arith.constant dense<1> : tensor<8x4x1x1xi8>
  %wq = quant.scast %w : tensor<8x4x1x1xi8> to tensor<8x4x1x1x!qw>
  %c = mote.conv2d %x, %wq : (tensor<1x4x4x4x!q>, tensor<8x4x1x1x!qw>) -> tensor<1x8x4x4x!q>
  %r = mote.relu %c : (tensor<1x8x4x4x!q>) -> tensor<1x8x4x4x!q>
  return %r : tensor<1x8x4x4x!q>
}
