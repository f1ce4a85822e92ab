//===- SgqFormatTest.cpp - SGQ packets are FlatBuffers --------------------===//
//
// The runtime writes SGQ packets in a fixed layout of its own; these tests
// show that the layout is the FlatBuffers format of schema/mote_sgq.fbs:
// flatc's verifier accepts it and its accessors read the fields, and a
// packet that flatc's builder lays out differently (other vector order,
// defaults omitted) decodes to the same values with the runtime's decoder.
//
//===----------------------------------------------------------------------===//

#include "Mote/Driver/Sgq.h"

#include "mote_sgq_generated.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>

using namespace mote;

namespace {

struct Encoded {
  std::vector<float> features;
  std::vector<uint8_t> packet;
  SgqGrouping grouping;
};

Encoded encodeRamp(uint8_t bits, bool embed, bool relu = false) {
  Encoded e;
  const uint32_t batch = 2, channels = 6, plane = 30;
  for (uint32_t i = 0; i < batch * channels * plane; ++i) {
    float v = i % 7 == 0 ? 0.0f : std::sin(0.1f * i) * (1 + i % 5);
    e.features.push_back(relu && v < 0 ? 0.0f : v);
  }
  e.grouping = computeSgqGrouping(e.features, batch, channels, plane, 8, 3);
  e.grouping.id = 42;
  mote_sgq_config config;
  std::memset(&config, 0, sizeof config);
  config.bits = bits;
  config.stripe = 8;
  config.embed_grouping = embed;
  config.grouping = e.grouping.view();
  mote_sgq_shape shape = {3, {batch, channels, plane}};
  e.packet.resize(mote_sgq_get_buffer_size(&config, &shape));
  size_t bytes = 0;
  EXPECT_EQ(mote_sgq_encode_f32(&config, &shape, e.features.data(), 17, nullptr,
                                e.packet.data(), e.packet.size(), &bytes,
                                nullptr),
            MOTE_OK);
  e.packet.resize(bytes);
  return e;
}

TEST(SgqFormat, RuntimePacketsVerifyAndRead) {
  Encoded e = encodeRamp(4, true);
  flatbuffers::Verifier verifier(e.packet.data(), e.packet.size());
  ASSERT_TRUE(sgq::VerifyPacketBuffer(verifier));
  const sgq::Packet *p = sgq::GetPacket(e.packet.data());
  EXPECT_EQ(p->version(), 3);
  EXPECT_EQ(p->bits(), 4);
  EXPECT_EQ(p->groups(), 3u);
  EXPECT_EQ(p->stripe(), 8u);
  EXPECT_EQ(p->grouping_id(), 42u);
  EXPECT_EQ(p->sequence(), 17u);
  ASSERT_EQ(p->shape()->size(), 3u);
  EXPECT_EQ(p->shape()->Get(1), 6u);
  ASSERT_EQ(p->permutation()->size(), 6u);
  for (uint32_t i = 0; i < 6; ++i)
    EXPECT_EQ(p->permutation()->Get(i), e.grouping.permutation[i]);
  EXPECT_EQ(p->origins()->size(), 6u);
  EXPECT_EQ(p->steps()->size(), 6u);
  EXPECT_EQ(p->flags()->size(), (2u * 6u * 4u + 3u) / 4u);
  // Bases are packed at the bits the largest needs, fewer than 16 here.
  mote_sgq_header h;
  ASSERT_EQ(mote_sgq_read_header(e.packet.data(), e.packet.size(), &h, nullptr),
            MOTE_OK);
  EXPECT_GE(p->base_bits(), 1);
  EXPECT_LT(p->base_bits(), 16);
  // Flat stripes and coded stripes of flag 2 carry a base; flag 3 marks a
  // coded stripe at the group's origin, which has none.
  uint32_t withBase = 0, atOrigin = 0;
  for (uint32_t i = 0; i < 2u * 6u * 4u; ++i) {
    uint32_t flag = (p->flags()->Get(i / 4) >> (2 * (i % 4))) & 3u;
    withBase += flag == 1 || flag == 2;
    atOrigin += flag == 3;
  }
  EXPECT_GT(atOrigin, 0u);
  EXPECT_EQ(withBase + atOrigin, h.flat_stripes + h.coded_stripes);
  EXPECT_EQ(p->bases()->size(), (withBase * p->base_bits() + 7u) / 8u);
}

TEST(SgqFormat, BuilderPacketsDecodeAlike) {
  for (bool embed : {true, false}) {
    Encoded e = encodeRamp(2, embed, /*relu=*/!embed);
    const sgq::Packet *p = sgq::GetPacket(e.packet.data());
    // After a ReLU every origin is 0 and the packet leaves them out.
    EXPECT_EQ(p->origins() == nullptr, !embed);
    // Rebuild with flatc's builder: vectors in another order, every scalar
    // left at its default omitted.
    flatbuffers::FlatBufferBuilder b;
    auto codes = b.CreateVector(p->codes()->data(), p->codes()->size());
    auto flags = b.CreateVector(p->flags()->data(), p->flags()->size());
    auto bases = b.CreateVector(p->bases()->data(), p->bases()->size());
    auto steps = b.CreateVector(p->steps()->data(), p->steps()->size());
    flatbuffers::Offset<flatbuffers::Vector<float>> origins;
    if (p->origins())
      origins = b.CreateVector(p->origins()->data(), p->origins()->size());
    auto shape = b.CreateVector(p->shape()->data(), p->shape()->size());
    flatbuffers::Offset<flatbuffers::Vector<uint16_t>> perm, ends;
    if (embed) {
      perm = b.CreateVector(p->permutation()->data(), p->permutation()->size());
      ends = b.CreateVector(p->group_ends()->data(), p->group_ends()->size());
    }
    auto root = sgq::CreatePacket(b, p->version(), p->source(), p->bits(),
                                  p->rounding(), p->groups(), p->stripe(),
                                  p->grouping_id(), p->sequence(), p->scale(),
                                  p->zero_point(), shape, perm, ends, origins,
                                  steps, flags, bases, codes, p->base_bits());
    b.Finish(root, sgq::PacketIdentifier());
    std::vector<uint8_t> rebuilt(b.GetBufferPointer(),
                                 b.GetBufferPointer() + b.GetSize());
    ASSERT_NE(rebuilt, e.packet);
    std::vector<float> a, c;
    std::string error;
    const SgqGrouping *g = embed ? nullptr : &e.grouping;
    ASSERT_TRUE(decodeSgqPacket(e.packet, g, a, error)) << error;
    ASSERT_TRUE(decodeSgqPacket(rebuilt, g, c, error)) << error;
    EXPECT_EQ(a, c);
  }
}

TEST(SgqFormat, GroupingMessages) {
  SgqGrouping g = equalSgqGrouping(10, 3);
  g.id = 5;
  std::swap(g.permutation[0], g.permutation[9]);
  std::string bytes = writeSgqGrouping(g);
  SgqGrouping back;
  std::string error;
  ASSERT_TRUE(readSgqGrouping(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()),
                              bytes.size()),
      10, back, error))
      << error;
  EXPECT_EQ(back.id, 5u);
  EXPECT_EQ(back.permutation, g.permutation);
  EXPECT_EQ(back.groupEnds, g.groupEnds);
}

// The grouping puts channels of similar widest stripes together: with
// ranges 1, 100, 1, 100, ... two groups split small from large.
TEST(SgqGrouping, SeparatesRanges) {
  const uint32_t channels = 8, plane = 16;
  std::vector<float> x(channels * plane);
  for (uint32_t c = 0; c < channels; ++c)
    for (uint32_t i = 0; i < plane; ++i)
      x[c * plane + i] = (c % 2 ? 100.0f : 1.0f) * float(i % 4);
  SgqGrouping g = computeSgqGrouping(x, 1, channels, plane, 16, 2);
  ASSERT_EQ(g.groupEnds, (std::vector<uint16_t>{4, 8}));
  for (uint32_t p = 0; p < 4; ++p)
    EXPECT_EQ(g.permutation[p] % 2, 0);
  for (uint32_t p = 4; p < 8; ++p)
    EXPECT_EQ(g.permutation[p] % 2, 1);
}

} // namespace
