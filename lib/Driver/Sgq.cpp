//===- Sgq.cpp - SGQ packets and groupings on the host --------------------===//

#include "Mote/Driver/Sgq.h"

#include "mote_sgq_generated.h"

#include <algorithm>
#include <limits>
#include <numeric>

using namespace mote;
using llvm::ArrayRef;

mote_sgq_grouping SgqGrouping::view() const {
  mote_sgq_grouping g;
  g.id = id;
  g.channels = static_cast<uint32_t>(permutation.size());
  g.groups = static_cast<uint32_t>(groupEnds.size());
  g.permutation = permutation.data();
  g.group_ends = groupEnds.data();
  return g;
}

SgqGrouping mote::equalSgqGrouping(uint32_t channels, uint32_t groups) {
  SgqGrouping g;
  groups = std::max<uint32_t>(1, std::min(groups, channels));
  g.permutation.resize(channels);
  std::iota(g.permutation.begin(), g.permutation.end(), 0);
  g.groupEnds.resize(groups);
  mote_sgq_equal_groups(channels, groups, g.groupEnds.data());
  return g;
}

SgqGrouping mote::computeSgqGrouping(ArrayRef<float> features, uint32_t batch,
                                     uint32_t channels, uint32_t plane,
                                     uint32_t stripe, uint32_t groups) {
  groups = std::max<uint32_t>(1, std::min(groups, channels));
  // Per sample and channel: the widest stripe, and the elements of the
  // stripes that are not all zero (those the step applies to).
  std::vector<double> widest(size_t(batch) * channels, 0.0);
  std::vector<double> coded(size_t(batch) * channels, 0.0);
  for (uint32_t b = 0; b < batch; ++b)
    for (uint32_t c = 0; c < channels; ++c) {
      const float *x = features.data() + (size_t(b) * channels + c) * plane;
      for (uint32_t s = 0; s < plane; s += stripe) {
        uint32_t end = std::min(plane, s + stripe);
        auto [lo, hi] = std::minmax_element(x + s, x + end);
        if (*lo == 0.0f && *hi == 0.0f)
          continue;
        double &w = widest[size_t(b) * channels + c];
        w = std::max(w, double(*hi) - double(*lo));
        coded[size_t(b) * channels + c] += end - s;
      }
    }
  std::vector<double> key(channels, 0.0);
  for (uint32_t c = 0; c < channels; ++c)
    for (uint32_t b = 0; b < batch; ++b)
      key[c] += widest[size_t(b) * channels + c];
  SgqGrouping g;
  g.permutation.resize(channels);
  std::iota(g.permutation.begin(), g.permutation.end(), 0);
  std::sort(g.permutation.begin(), g.permutation.end(),
            [&](uint16_t a, uint16_t b) {
              return key[a] < key[b] || (key[a] == key[b] && a < b);
            });

  // cost[i][j]: modelled squared error of positions [i, j) as one group.
  // Above 1024 channels the quadratic table is not worth it: equal runs of
  // the sorted order.
  if (channels > 1024) {
    g.groupEnds.resize(groups);
    mote_sgq_equal_groups(channels, groups, g.groupEnds.data());
    return g;
  }
  size_t n = channels;
  std::vector<double> cost((n + 1) * (n + 1), 0.0);
  std::vector<double> runMax(batch), runCoded(batch);
  for (size_t i = 0; i < n; ++i) {
    std::fill(runMax.begin(), runMax.end(), 0.0);
    std::fill(runCoded.begin(), runCoded.end(), 0.0);
    for (size_t j = i + 1; j <= n; ++j) {
      uint32_t c = g.permutation[j - 1];
      double total = 0.0;
      for (uint32_t b = 0; b < batch; ++b) {
        runMax[b] = std::max(runMax[b], widest[size_t(b) * channels + c]);
        runCoded[b] += coded[size_t(b) * channels + c];
        total += runCoded[b] * runMax[b] * runMax[b];
      }
      cost[i * (n + 1) + j] = total;
    }
  }
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> best((groups + 1) * (n + 1), inf);
  std::vector<uint32_t> cut((groups + 1) * (n + 1), 0);
  best[0] = 0.0;
  for (uint32_t k = 1; k <= groups; ++k)
    for (size_t j = k; j <= n; ++j)
      for (size_t i = k - 1; i < j; ++i) {
        double v = best[(k - 1) * (n + 1) + i] + cost[i * (n + 1) + j];
        if (v < best[k * (n + 1) + j]) {
          best[k * (n + 1) + j] = v;
          cut[k * (n + 1) + j] = static_cast<uint32_t>(i);
        }
      }
  g.groupEnds.resize(groups);
  size_t end = n;
  for (uint32_t k = groups; k >= 1; --k) {
    g.groupEnds[k - 1] = static_cast<uint16_t>(end);
    end = cut[k * (n + 1) + end];
  }
  return g;
}

bool mote::readSgqHeader(ArrayRef<uint8_t> bytes, mote_sgq_header &header,
                         std::string &error) {
  if (bytes.size() < 8 || !flatbuffers::BufferHasIdentifier(
                              bytes.data(), sgq::PacketIdentifier())) {
    error = "not an SGQ packet (no 'MSGQ' identifier)";
    return false;
  }
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!sgq::VerifyPacketBuffer(verifier)) {
    error = "the packet fails FlatBuffers verification (corrupt or truncated)";
    return false;
  }
  mote_sgq_error why = nullptr;
  if (mote_sgq_read_header(bytes.data(), bytes.size(), &header, &why) !=
      MOTE_OK) {
    error = why ? why : "invalid packet";
    return false;
  }
  return true;
}

bool mote::decodeSgqPacket(ArrayRef<uint8_t> bytes, const SgqGrouping *grouping,
                           std::vector<float> &values, std::string &error) {
  mote_sgq_header header;
  if (!readSgqHeader(bytes, header, error))
    return false;
  values.assign(header.elements, 0.0f);
  mote_sgq_grouping view;
  if (grouping)
    view = grouping->view();
  mote_sgq_error why = nullptr;
  if (mote_sgq_decode_f32(bytes.data(), bytes.size(),
                          grouping ? &view : nullptr, values.data(),
                          values.size(), &why) != MOTE_OK) {
    error = why ? why : "invalid packet";
    return false;
  }
  return true;
}

std::string mote::writeSgqGrouping(const SgqGrouping &grouping) {
  mote_sgq_grouping view = grouping.view();
  std::string bytes(mote_sgq_grouping_size(view.channels, view.groups), '\0');
  size_t written = 0;
  if (mote_sgq_write_grouping(&view, reinterpret_cast<uint8_t *>(bytes.data()),
                              bytes.size(), &written, nullptr) != MOTE_OK)
    return "";
  bytes.resize(written);
  return bytes;
}

bool mote::readSgqGrouping(ArrayRef<uint8_t> bytes, uint32_t channels,
                           SgqGrouping &grouping, std::string &error) {
  if (bytes.size() < 8 ||
      !flatbuffers::BufferHasIdentifier(bytes.data(), "MSGG")) {
    error = "not an SGQ grouping (no 'MSGG' identifier)";
    return false;
  }
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!verifier.VerifyBuffer<sgq::Grouping>("MSGG")) {
    error = "the grouping fails FlatBuffers verification (corrupt)";
    return false;
  }
  const auto *root = flatbuffers::GetRoot<sgq::Grouping>(bytes.data());
  uint32_t n = root->permutation()->size();
  if (channels && n != channels) {
    error = "the grouping is for " + std::to_string(n) + " channels, not " +
            std::to_string(channels);
    return false;
  }
  std::vector<uint16_t> permutation(std::max<uint32_t>(n, 1));
  std::vector<uint16_t> ends(std::max<uint32_t>(n, 1));
  mote_sgq_grouping view;
  mote_sgq_error why = nullptr;
  if (mote_sgq_read_grouping(bytes.data(), bytes.size(), n, permutation.data(),
                             ends.data(), n, &view, &why) != MOTE_OK) {
    error = why ? why : "invalid grouping";
    return false;
  }
  grouping.id = view.id;
  grouping.permutation.assign(permutation.begin(), permutation.begin() + n);
  grouping.groupEnds.assign(ends.begin(), ends.begin() + view.groups);
  return true;
}
