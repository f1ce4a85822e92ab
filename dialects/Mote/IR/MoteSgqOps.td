//===- MoteSgqOps.td - SGQ encode and decode at a cut -------*- tablegen -*-===//
//
// The two ends of a split model's cut (docs/SGQ.md): the device encodes the
// features it computed into a packet, the other side decodes them. A packet
// is bytes and a length: a 1-D i8 tensor of the codec's worst-case size
// for the op's configuration (mote_sgq_get_buffer_size) and a one-element
// i32 tensor holding how many of them the packet uses. Every existing layer
// (memory plan, kernel ABI, C package, ONNX export) handles such tensors
// unchanged; the verifiers tie the capacity to the features and the
// configuration, which is what a dedicated packet type would check.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_SGQ_OPS
#define MOTE_SGQ_OPS

def Mote_SgqFeatureTensor
    : StaticShapeTensorOf<[F32, quant_QuantizedType]>;
// A packet's length or sequence number: one i32.
def Mote_SgqCount : 1DTensorOf<[I32]>;
def Mote_SgqGroupingTensor : 1DTensorOf<[I16]>;

class Mote_SgqOp<string mnemonic>
    : Mote_Op<mnemonic, [Pure, AttrSizedOperandSegments]> {
  code sgqConfig = [{
    Configuration: `bits` per coded element (2, 4 or 8), `stripe` elements
    per stripe, `rounding` (`"nearest"` or `"stochastic"`), and the grouping:
    position p of the channel order holds channel `permutation[p]`, group g
    holds positions `[group_ends[g - 1], group_ends[g])`, and packets carry
    `grouping_id` (and the grouping itself when `embed_grouping` is set).

    With the optional `grouping(%id, %g)` operands the grouping is read at
    run time instead (a server's grouping message replaces the compiled
    one): `%id` is its id (`tensor<1xi32>`), `%g` the permutation then the
    group ends (`tensor<(channels + groups)xi16>`); the attributes are the
    compiled default and fix the group count, so the capacity holds. The
    codec checks a run-time grouping before using it.
  }];
  let hasVerifier = 1;
}

def Mote_SgqEncodeOp : Mote_SgqOp<"sgq_encode"> {
  let summary = "SGQ-encode features into a packet";
  let description = [{
    Encodes `features` (`[batch, channels, spatial...]`, float or per-tensor
    int8) into a packet with the runtime's codec: channel groups with their
    own step, stripes with their own base, zero and flat stripes as flags.
    `sequence` becomes the packet's sequence number; stochastic rounding is
    seeded from the features and the sequence, so runs reproduce.
  }] # sgqConfig # [{
    Example:

    ```mlir
    %p, %n = mote.sgq_encode %x, %seq {bits = 4 : i64, stripe = 64 : i64,
        permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>}
        : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<308xi8>, tensor<1xi32>)
    ```
  }];
  let arguments = (ins Mote_SgqFeatureTensor:$features,
      Mote_SgqCount:$sequence,
      Optional<Mote_SgqCount>:$runtime_id,
      Optional<Mote_SgqGroupingTensor>:$runtime_grouping,
      I64Attr:$bits, I64Attr:$stripe,
      DefaultValuedAttr<StrAttr, "\"nearest\"">:$rounding,
      DefaultValuedAttr<I64Attr, "0">:$grouping_id,
      DenseI64ArrayAttr:$permutation, DenseI64ArrayAttr:$group_ends,
      DefaultValuedAttr<BoolAttr, "false">:$embed_grouping);
  let results = (outs 1DTensorOf<[I8]>:$packet, Mote_SgqCount:$packet_bytes);
  let assemblyFormat = [{
    $features `,` $sequence
    (`grouping` `(` $runtime_id^ `,` $runtime_grouping `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Mote_SgqDecodeOp : Mote_SgqOp<"sgq_decode"> {
  let summary = "Decode an SGQ packet into features";
  let description = [{
    Decodes the first `packet_bytes` bytes of `packet` into float features
    of the result's shape (an int8 source's scale applied). The packet must
    hold exactly that shape and, unless it carries its grouping, have been
    encoded with `grouping_id`; bits and stripe are read from the packet,
    and those of the op give the capacity: the largest packet accepted. A
    malformed packet makes the kernel fail; it never reads or writes out of
    bounds.
  }] # sgqConfig # [{
    Example:

    ```mlir
    %g = mote.sgq_decode %p, %n {bits = 4 : i64, stripe = 64 : i64,
        permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>}
        : (tensor<308xi8>, tensor<1xi32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins 1DTensorOf<[I8]>:$packet, Mote_SgqCount:$packet_bytes,
      Optional<Mote_SgqCount>:$runtime_id,
      Optional<Mote_SgqGroupingTensor>:$runtime_grouping,
      I64Attr:$bits, I64Attr:$stripe,
      DefaultValuedAttr<StrAttr, "\"nearest\"">:$rounding,
      DefaultValuedAttr<I64Attr, "0">:$grouping_id,
      DenseI64ArrayAttr:$permutation, DenseI64ArrayAttr:$group_ends,
      DefaultValuedAttr<BoolAttr, "false">:$embed_grouping);
  let results = (outs Mote_FloatTensor:$features);
  let assemblyFormat = [{
    $packet `,` $packet_bytes
    (`grouping` `(` $runtime_id^ `,` $runtime_grouping `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

#endif // MOTE_SGQ_OPS
