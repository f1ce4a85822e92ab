// RUN: mote-opt %s -split-input-file -mote-legalize-names="model-name=net" | FileCheck %s

// Keywords, the API's own parameter names, leading digits, punctuation and
// non-ASCII characters become valid identifiers; names that sanitize alike
// stay distinct, the first in order keeping the plain form.
// CHECK-LABEL: func.func @net
// CHECK-SAME: {mote.c_name = "arena_", mote.name = "arena"}
// CHECK-SAME: {mote.c_name = "t_3d", mote.name = "3d"}
// CHECK-SAME: {mote.c_name = "caf__", mote.name = "caf\C3\A9"}
// CHECK-SAME: {mote.c_name = "input3"}
// CHECK-SAME: {mote.c_name = "float_", mote.name = "float"}
// CHECK-SAME: {mote.c_name = "a_b", mote.name = "a-b"}
// CHECK-SAME: {mote.c_name = "a_b_1", mote.name = "a_b"}
func.func @net(%a: tensor<1xf32> {mote.name = "arena"},
               %b: tensor<1xf32> {mote.name = "3d"},
               %c: tensor<1xf32> {mote.name = "café"},
               %d: tensor<1xf32>)
    -> (tensor<1xf32> {mote.name = "float"}, tensor<1xf32> {mote.name = "a-b"},
        tensor<1xf32> {mote.name = "a_b"}) {
  return %a, %b, %c : tensor<1xf32>, tensor<1xf32>, tensor<1xf32>
}

// -----

// Names in the namespaces of the runtime and of the model's own functions
// and macros (any case) move out of them; reserved C names and `_t` types
// get a suffix; a clash with a renamed name is still resolved.
// CHECK-LABEL: func.func @net
// CHECK-SAME: {mote.c_name = "t_NET_ARENA_BYTES", mote.name = "NET_ARENA_BYTES"}
// CHECK-SAME: {mote.c_name = "t_mote_copy", mote.name = "mote_copy"}
// CHECK-SAME: {mote.c_name = "t_Reserved", mote.name = "_Reserved"}
// CHECK-SAME: {mote.c_name = "int8_t_", mote.name = "int8_t"}
// CHECK-SAME: {mote.c_name = "class_", mote.name = "class"}
// CHECK-SAME: {mote.c_name = "class__1", mote.name = "class_"}
func.func @net(%a: tensor<1xf32> {mote.name = "NET_ARENA_BYTES"},
               %b: tensor<1xf32> {mote.name = "mote_copy"},
               %c: tensor<1xf32> {mote.name = "_Reserved"},
               %d: tensor<1xf32> {mote.name = "int8_t"},
               %e: tensor<1xf32> {mote.name = "class"},
               %f: tensor<1xf32> {mote.name = "class_"}) {
  return
}

// -----

// A name the compiler fixed is kept and claimed first: a model input
// called `labels` does not take the train step's parameter name.
// CHECK-LABEL: func.func @net_train_step
// CHECK-SAME: {mote.c_name = "labels_", mote.name = "labels"}
// CHECK-SAME: {mote.c_name = "labels", mote.name = "labels"}
// CHECK-SAME: {mote.c_name = "loss", mote.name = "loss"}
func.func @net_train_step(%x: tensor<1xf32> {mote.name = "labels"},
                          %l: tensor<1xi32> {mote.c_name = "labels", mote.name = "labels"})
    -> (tensor<1xf32> {mote.c_name = "loss", mote.name = "loss"}) {
  return %x : tensor<1xf32>
}
