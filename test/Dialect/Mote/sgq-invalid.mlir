// RUN: mote-opt %s -split-input-file -verify-diagnostics

// One case per SGQ verifier diagnostic.

func.func @bits(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{bits must be 2, 4 or 8, not 3}}
  %p, %n = mote.sgq_encode %x, %s {bits = 3 : i64, stripe = 64 : i64, permutation = array<i64: 0, 1, 2, 3>, group_ends = array<i64: 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @stripe(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{stripe must be 1 to 2^28 elements, not 0}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 0 : i64, permutation = array<i64: 0, 1, 2, 3>, group_ends = array<i64: 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @rounding(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{rounding must be "nearest" or "stochastic", not "up"}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, rounding = "up", permutation = array<i64: 0, 1, 2, 3>, group_ends = array<i64: 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @rank(%x: tensor<16xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{features must have 2 to 6 dimensions (batch, channels, spatial...), not 1}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 0>, group_ends = array<i64: 1>} : (tensor<16xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @permutation_length(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{permutation has 3 entries for 4 channels}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 0, 1, 2>, group_ends = array<i64: 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @permutation_repeat(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{permutation repeats channel 1}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 0, 1, 1, 3>, group_ends = array<i64: 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @permutation_range(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{permutation entry 4 is not a channel}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 0, 1, 2, 4>, group_ends = array<i64: 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @group_end(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{group_ends must end at the channel count 4}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 0, 1, 2, 3>, group_ends = array<i64: 2, 3>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @group_order(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{group_ends must increase strictly}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 0, 1, 2, 3>, group_ends = array<i64: 2, 2, 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @capacity(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{packet holds 100 bytes; the codec's largest packet for these features and this configuration is 312}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<100xi8>, tensor<1xi32>)
  return
}

// -----

func.func @per_axis(%x: tensor<1x2x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, %s: tensor<1xi32>) {
  // expected-error @+1 {{takes float or per-tensor int8 features}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 0, 1>, group_ends = array<i64: 2>} : (tensor<1x2x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, tensor<1xi32>) -> (tensor<100xi8>, tensor<1xi32>)
  return
}

// -----

func.func @decode_capacity(%p: tensor<300xi8>, %n: tensor<1xi32>) {
  // expected-error @+1 {{packet holds 300 bytes; the codec's largest packet for these features and this configuration is 312}}
  %y = mote.sgq_decode %p, %n {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>} : (tensor<300xi8>, tensor<1xi32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @channels(%x: tensor<1x40000xf32>, %s: tensor<1xi32>) {
  // expected-error @+1 {{features have 40000 channels; SGQ takes at most 32767}}
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 0>, group_ends = array<i64: 1>} : (tensor<1x40000xf32>, tensor<1xi32>) -> (tensor<100xi8>, tensor<1xi32>)
  return
}

// -----

func.func @length(%p: tensor<312xi8>, %n: tensor<2xi32>) {
  // expected-error @+1 {{packet length and sequence are tensor<1xi32>}}
  %y = mote.sgq_decode %p, %n {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>} : (tensor<312xi8>, tensor<2xi32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @runtime_grouping_size(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>, %id: tensor<1xi32>, %g: tensor<5xi16>) {
  // expected-error @+1 {{the run-time grouping holds the permutation and the group ends: 6 entries}}
  %p, %n = mote.sgq_encode %x, %s grouping(%id, %g) {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>} : (tensor<1x4x8x8xf32>, tensor<1xi32>, tensor<1xi32>, tensor<5xi16>) -> (tensor<312xi8>, tensor<1xi32>)
  return
}

// -----

func.func @runtime_grouping_id(%p: tensor<312xi8>, %n: tensor<1xi32>, %id: tensor<2xi32>, %g: tensor<6xi16>) {
  // expected-error @+1 {{the run-time grouping id is tensor<1xi32>}}
  %y = mote.sgq_decode %p, %n grouping(%id, %g) {bits = 4 : i64, stripe = 64 : i64, permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>} : (tensor<312xi8>, tensor<1xi32>, tensor<2xi32>, tensor<6xi16>) -> tensor<1x4x8x8xf32>
  return
}
