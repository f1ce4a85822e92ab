//===- SgqCommand.cpp - motec sgq: inspect a cut with the SGQ codec -------===//
//
// `motec sgq encode FEATURES.npy -o PACKET` and `motec sgq decode PACKET -o
// FEATURES.npy` run the runtime's C codec, the code a device runs, on the
// host, so that a user can see what a cut costs and what it loses.
//
//===----------------------------------------------------------------------===//

#include "Mote/Driver/SgqCommand.h"
#include "Mote/Driver/Files.h"
#include "Mote/Driver/Npy.h"
#include "Mote/Driver/Sgq.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace llvm;
using namespace mote;

namespace {

cl::SubCommand sgqCommand(
    "sgq", "SGQ feature codec: `encode FEATURES.npy -o PACKET` compresses "
           "features (batch axis first) as a device would, `decode PACKET -o "
           "FEATURES.npy` restores them, both with the runtime's C codec");
cl::list<std::string> sgqArgs(cl::Positional, cl::OneOrMore,
                              cl::desc("encode FEATURES.npy | decode PACKET"),
                              cl::sub(sgqCommand));
cl::opt<std::string> sgqOutput("o", cl::desc("Output file"),
                               cl::value_desc("file"), cl::Required,
                               cl::sub(sgqCommand));
cl::opt<unsigned> sgqBits("bits", cl::desc("Bits per coded element: 2, 4, 8"),
                          cl::init(4), cl::sub(sgqCommand));
cl::opt<unsigned> sgqGroups("groups", cl::desc("Channel groups"), cl::init(8),
                            cl::sub(sgqCommand));
cl::opt<unsigned>
    sgqStripe("stripe",
              cl::desc("Elements per stripe (0: 256 / bits, which keeps the "
                       "stripe metadata under 10% of a coded stripe)"),
              cl::init(0), cl::sub(sgqCommand));
cl::opt<std::string> sgqRounding("rounding",
                                 cl::desc("nearest | stochastic (unbiased)"),
                                 cl::init("nearest"), cl::sub(sgqCommand));
cl::opt<unsigned> sgqSeed("seed", cl::desc("Stochastic rounding seed"),
                          cl::init(1), cl::sub(sgqCommand));
cl::opt<std::string> sgqGrouping(
    "grouping",
    cl::desc("auto (from the features being encoded) | equal (channel "
             "order) | FILE (a grouping message, as `--write-grouping` or a "
             "server writes); for decode: the FILE of a packet without one"),
    cl::init("auto"), cl::sub(sgqCommand));
cl::opt<std::string>
    sgqWriteGrouping("write-grouping",
                     cl::desc("Also write the grouping used to FILE"),
                     cl::value_desc("file"), cl::sub(sgqCommand));
cl::opt<bool> sgqNoEmbed(
    "no-embed-grouping",
    cl::desc("Carry only the grouping's id, as a split model's device does "
             "(the receiver decodes with the grouping message)"),
    cl::sub(sgqCommand));
cl::opt<unsigned> sgqSequence("sequence",
                              cl::desc("The packet's sequence number"),
                              cl::init(0), cl::sub(sgqCommand));
cl::opt<float> sgqScale("scale",
                        cl::desc("int8 features: real = scale * (q - zp)"),
                        cl::init(1.0f), cl::sub(sgqCommand));
cl::opt<int> sgqZeroPoint("zero-point", cl::desc("int8 features' zero point"),
                          cl::init(0), cl::sub(sgqCommand));

int fail(const Twine &message) {
  errs() << "motec sgq: " << message << "\n";
  return 1;
}

void printPacket(const mote_sgq_header &h, size_t bytes) {
  double fp32 = 4.0 * h.elements;
  outs() << formatv("packet: {0} bytes for {1} elements ({2} bits, {3} "
                    "groups, stripe {4}): {5:F2}x smaller than float32\n",
                    bytes, h.elements, unsigned(h.bits), h.groups, h.stripe,
                    fp32 / bytes);
  outs() << formatv("codes {0} bytes, metadata {1} bytes ({2:F1}%); stripes: "
                    "{3} zero, {4} flat, {5} coded\n",
                    h.code_bytes, h.metadata_bytes,
                    100.0 * h.metadata_bytes / bytes, h.zero_stripes,
                    h.flat_stripes, h.coded_stripes);
}

int encodeCommand(StringRef input) {
  std::optional<std::string> bytes = readBytes(input);
  if (!bytes)
    return 1;
  std::string error;
  FailureOr<NpyArray> array = parseNpy(*bytes, error);
  if (failed(array))
    return fail(input + ": " + error);
  if (array->dtype != "<f4" && array->dtype != "|i1")
    return fail(input + ": features must be float32 or int8, not " +
                array->dtype);
  if (array->shape.size() < 2 || array->shape.size() > MOTE_SGQ_MAX_RANK)
    return fail(input + ": features must have 2 to 6 dimensions (batch, "
                        "channels, spatial...)");
  mote_sgq_shape shape;
  shape.rank = array->shape.size();
  uint64_t elements = 1;
  for (auto [i, d] : llvm::enumerate(array->shape)) {
    if (d <= 0 || d > (1 << 28))
      return fail(input + ": dimension " + Twine(i) + " is " + Twine(d));
    shape.dims[i] = static_cast<uint32_t>(d);
    elements *= d;
  }
  uint32_t batch = shape.dims[0], channels = shape.dims[1];
  uint32_t plane = static_cast<uint32_t>(elements / batch / channels);
  if (sgqBits != 2 && sgqBits != 4 && sgqBits != 8)
    return fail("--bits must be 2, 4 or 8");
  if (sgqRounding != "nearest" && sgqRounding != "stochastic")
    return fail("--rounding must be nearest or stochastic");
  if (channels > MOTE_SGQ_MAX_CHANNELS)
    return fail(input + ": more than 32767 channels");
  uint32_t stripe = sgqStripe ? sgqStripe : 256 / sgqBits;
  uint32_t groups = std::max(1u, std::min<uint32_t>(sgqGroups, channels));

  bool isFloat = array->dtype == "<f4";
  std::vector<float> values(elements);
  if (isFloat) {
    std::memcpy(values.data(), array->data.data(), elements * 4);
  } else {
    for (size_t i = 0; i < elements; ++i)
      values[i] = float(int8_t(array->data[i])) - float(sgqZeroPoint);
  }
  SgqGrouping grouping;
  if (sgqGrouping == "auto") {
    grouping =
        computeSgqGrouping(values, batch, channels, plane, stripe, groups);
  } else if (sgqGrouping == "equal") {
    grouping = equalSgqGrouping(channels, groups);
  } else {
    std::optional<std::string> message = readBytes(sgqGrouping);
    if (!message)
      return 1;
    if (!readSgqGrouping(asBytes(*message), channels, grouping, error))
      return fail(sgqGrouping + ": " + error);
  }

  mote_sgq_config config;
  std::memset(&config, 0, sizeof config);
  config.bits = static_cast<uint8_t>(sgqBits);
  config.rounding =
      sgqRounding == "stochastic" ? MOTE_SGQ_STOCHASTIC : MOTE_SGQ_NEAREST;
  config.embed_grouping = sgqNoEmbed ? 0 : 1;
  config.stripe = stripe;
  config.grouping = grouping.view();
  size_t capacity = mote_sgq_get_buffer_size(&config, &shape);
  if (!capacity)
    return fail(input + ": features too large for one packet");
  std::string packet(capacity, '\0');
  size_t written = 0;
  uint32_t seed = sgqSeed;
  mote_sgq_error why = nullptr;
  auto *out = reinterpret_cast<uint8_t *>(packet.data());
  mote_status status =
      isFloat
          ? mote_sgq_encode_f32(
                &config, &shape, reinterpret_cast<const float *>(values.data()),
                sgqSequence, &seed, out, capacity, &written, &why)
          : mote_sgq_encode_s8(
                &config, &shape,
                reinterpret_cast<const int8_t *>(array->data.data()), sgqScale,
                sgqZeroPoint, sgqSequence, &seed, out, capacity, &written,
                &why);
  if (status != MOTE_OK)
    return fail(input + ": " + (why ? why : "cannot encode"));
  packet.resize(written);
  mote_sgq_header header;
  if (!readSgqHeader(asBytes(packet), header, error))
    return fail("the encoder wrote a packet its reader refuses: " + error);
  if (!writeBytes(sgqOutput, packet))
    return 1;
  if (!sgqWriteGrouping.empty() &&
      !writeBytes(sgqWriteGrouping, writeSgqGrouping(grouping)))
    return 1;
  printPacket(header, written);
  outs() << "wrote " << sgqOutput << "\n";
  return 0;
}

int decodeCommand(StringRef input) {
  std::optional<std::string> bytes = readBytes(input);
  if (!bytes)
    return 1;
  std::string error;
  mote_sgq_header header;
  if (!readSgqHeader(asBytes(*bytes), header, error))
    return fail(input + ": " + error);
  SgqGrouping grouping;
  bool external = sgqGrouping != "auto" && sgqGrouping != "equal";
  if (external) {
    std::optional<std::string> message = readBytes(sgqGrouping);
    if (!message)
      return 1;
    if (!readSgqGrouping(asBytes(*message), header.shape.dims[1], grouping,
                         error))
      return fail(sgqGrouping + ": " + error);
  }
  std::vector<float> values;
  if (!decodeSgqPacket(asBytes(*bytes), external ? &grouping : nullptr, values,
                       error))
    return fail(input + ": " + error);
  NpyArray array;
  array.dtype = "<f4";
  for (uint32_t i = 0; i < header.shape.rank; ++i)
    array.shape.push_back(header.shape.dims[i]);
  array.data.assign(reinterpret_cast<const char *>(values.data()),
                    values.size() * sizeof(float));
  if (!writeBytes(sgqOutput, writeNpy(array)))
    return 1;
  printPacket(header, bytes->size());
  outs() << "wrote " << sgqOutput << "\n";
  return 0;
}

} // namespace

bool mote::sgqCommandSelected() { return static_cast<bool>(sgqCommand); }

int mote::runSgqCommand() {
  if (sgqArgs.size() != 2 || (sgqArgs[0] != "encode" && sgqArgs[0] != "decode"))
    return fail("expected `encode FEATURES.npy` or `decode PACKET`");
  return sgqArgs[0] == "encode" ? encodeCommand(sgqArgs[1])
                                : decodeCommand(sgqArgs[1]);
}
