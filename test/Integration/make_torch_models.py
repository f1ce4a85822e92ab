"""Exports small models of the layers real TinyML models use beyond a plain
2-D CNN from Debian's PyTorch to ONNX, as a user would (torch.onnx.export
at opset 13): activations beyond ReLU (LeakyReLU, GELU, written out with
Erf at this opset, ELU, SELU, PReLU) and a 1-D sensor/audio CNN (Conv1d,
MaxPool1d, AvgPool1d), a convolutional autoencoder (ConvTranspose2d), a
1-D decoder (ConvTranspose1d) and a segmentation network upsampling with
Resize (nearest, bilinear, bilinear with align_corners), and a CNN with
CBAM-style attention (ReduceMean, ReduceMax, ReduceMin, ReduceSum over
channel or width axes), a token MLP with LayerNorm (opset 17), and
recurrent models: a CRNN (Conv1d, GRU, RNN) and a two-layer bidirectional
LSTM, a text classifier whose int64 token ids index an nn.Embedding
(Gather by a model input) before a GRU, and causal self-attention
(masked_fill of a constant mask and a torch.where of a comparison: Where,
Greater; MatMul of two activations).
Weights are random (seeded); the models are for
numerics, not accuracy.

Also PyTorch's default quantization-aware training flow, as its tutorial
has a user do it: fuse Conv+BN+ReLU, get_default_qat_qconfig("fbgemm") or
("qnnpack") (version 0, whose fake-quant modules export), prepare_qat, a
few training steps, freeze observers and batch-norm statistics, export.
fbgemm gives uint8 activations with reduce_range (QuantizeLinear ->
Clip(0, 127) -> DequantizeLinear) and per-channel weights; both write each
ConvBn as Conv -> Div -> Add -> BatchNormalization.

Usage: make_torch_models.py OUTDIR
Writes OUTDIR/act_cnn.onnx, OUTDIR/prelu.onnx, OUTDIR/conv1d.onnx,
OUTDIR/autoencoder.onnx, OUTDIR/decoder1d.onnx, OUTDIR/segnet.onnx,
OUTDIR/attention.onnx, OUTDIR/token_mlp.onnx, OUTDIR/crnn.onnx,
OUTDIR/bilstm.onnx, OUTDIR/text_gru.onnx, OUTDIR/attention_mask.onnx,
OUTDIR/qat_fbgemm.onnx,
OUTDIR/qat_qnnpack.onnx and calibration / test inputs
(OUTDIR/{calib,inputs}{,1d,_tokens,_seq}.npy).
"""
import os
import sys

import numpy as np
import torch
from torch import nn


class ActCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.a1 = nn.LeakyReLU(0.1)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.a2 = nn.GELU()
        self.c3 = nn.Conv2d(8, 8, 1)
        self.a3 = nn.ELU(0.7)
        self.c4 = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.a4 = nn.SELU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.a1(self.c1(x))
        x = self.a2(self.c2(x))
        x = self.a3(self.c3(x))
        x = self.a4(self.c4(x))
        return self.fc(torch.flatten(self.pool(x), 1))


class Conv1dNet(nn.Module):
    """A keyword-spotting / accelerometer style 1-D CNN."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(3, 8, 5, padding=2)
        self.p1 = nn.MaxPool1d(2)
        self.c2 = nn.Conv1d(8, 8, 3, stride=2, padding=1, groups=8)
        self.c3 = nn.Conv1d(8, 12, 1)
        self.p2 = nn.AvgPool1d(2)
        self.fc = nn.Linear(12 * 8, 4)

    def forward(self, x):
        x = self.p1(torch.relu(self.c1(x)))
        x = torch.relu(self.c3(torch.relu(self.c2(x))))
        return self.fc(torch.flatten(self.p2(x), 1))


class AutoEncoder(nn.Module):
    """A convolutional autoencoder: strided convs down, ConvTranspose2d up
    (output_padding, a grouped and a dilated one)."""

    def __init__(self):
        super().__init__()
        self.e1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.e2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.d1 = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
        self.d2 = nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1, groups=2)
        self.d3 = nn.ConvTranspose2d(8, 3, 3, padding=2, dilation=2, bias=False)

    def forward(self, x):
        x = torch.relu(self.e2(torch.relu(self.e1(x))))
        x = torch.relu(self.d2(torch.relu(self.d1(x))))
        return torch.sigmoid(self.d3(x))


class SegNet(nn.Module):
    """A small segmentation network: an encoder, then nearest and bilinear
    upsampling (Resize) back to the input's size, with a skip concat, and
    a bicubic resize of the result."""

    def __init__(self):
        super().__init__()
        self.e1 = nn.Conv2d(3, 8, 3, padding=1)
        self.e2 = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.e3 = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.up1 = nn.Upsample(scale_factor=2, mode="nearest")
        self.d1 = nn.Conv2d(16, 8, 3, padding=1)
        self.up2 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.d2 = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        s = torch.relu(self.e2(torch.relu(self.e1(x))))
        y = torch.relu(self.e3(s))
        y = torch.relu(self.d1(torch.cat([self.up1(y), s], 1)))
        y = self.d2(self.up2(y))
        # align_corners bilinear to an odd size, by sizes; then bicubic.
        y = nn.functional.interpolate(y, size=(15, 15), mode="bilinear",
                                      align_corners=True)
        return nn.functional.interpolate(y, scale_factor=1.5, mode="bicubic",
                                         align_corners=False)


class AttentionCNN(nn.Module):
    """CBAM-style spatial attention: the mean and the maximum over the
    channels (ReduceMean, ReduceMax over axis 1) gate the features, then a
    mean over all spatial positions (global pooling) and a sum feed the
    classifier."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.gate = nn.Conv2d(2, 1, 3, padding=1)
        self.fc = nn.Linear(8 + 12, 5)

    def forward(self, x):
        x = torch.relu(self.c1(x))
        a = torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)
        x = x * torch.sigmoid(self.gate(a))
        rows = x.amin(3).sum(1)
        return self.fc(torch.cat([x.mean((2, 3)), rows], 1))


class Decoder1d(nn.Module):
    """ConvTranspose1d upsampling of a 1-D signal."""

    def __init__(self):
        super().__init__()
        self.d1 = nn.ConvTranspose1d(3, 6, 5, stride=3, padding=1, output_padding=2)
        self.d2 = nn.ConvTranspose1d(6, 2, 2, stride=2)

    def forward(self, x):
        return self.d2(torch.tanh(self.d1(x)))


class QatCNN(nn.Module):
    def __init__(self):
        super().__init__()
        q = torch.ao.quantization
        self.quant, self.dequant = q.QuantStub(), q.DeQuantStub()
        self.c1, self.b1, self.r1 = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU()
        self.c2, self.b2, self.r2 = (nn.Conv2d(8, 8, 3, padding=1, stride=2),
                                     nn.BatchNorm2d(8), nn.ReLU())
        self.pool, self.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(8, 4)

    def forward(self, x):
        x = self.r1(self.b1(self.c1(self.quant(x))))
        x = self.r2(self.b2(self.c2(x)))
        return self.dequant(self.fc(torch.flatten(self.pool(x), 1)))


class CRNN(nn.Module):
    """A keyword-spotting CRNN: a strided Conv1d front end over the
    features, a GRU and a tanh RNN over the frames (batch first), the last
    frame classified."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(3, 8, 5, stride=2, padding=2)
        self.gru = nn.GRU(8, 16, batch_first=True)
        self.rnn = nn.RNN(16, 12, batch_first=True)
        self.fc = nn.Linear(12, 4)

    def forward(self, x):
        x = torch.relu(self.conv(x)).transpose(1, 2)
        x, _ = self.gru(x)
        x, _ = self.rnn(x)
        return self.fc(x[:, -1])


class BiLSTM(nn.Module):
    """A sensor-sequence classifier: two bidirectional LSTM layers (time
    first), averaged over time."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 10, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(20, 4)

    def forward(self, x):
        y, _ = self.lstm(x.permute(2, 0, 1))
        return self.fc(y.mean(0))


class TextGRU(nn.Module):
    """A text / command classifier: token ids (int64) look up an
    nn.Embedding, a GRU reads them, the mean of its states is classified."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(40, 8)
        self.gru = nn.GRU(8, 12, batch_first=True)
        self.fc = nn.Linear(12, 3)

    def forward(self, ids):
        y, _ = self.gru(self.embed(ids))
        return self.fc(y.mean(1))


class MaskedAttention(nn.Module):
    """Causal self-attention over 6 tokens: scores masked with masked_fill
    of a constant upper-triangular mask (Where), softmax, a gate written
    with torch.where on a comparison (Greater), the mean token classified."""

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 8)
        self.register_buffer("mask", torch.triu(torch.ones(6, 6), 1).bool())
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        scores = self.q(x) @ self.k(x).transpose(1, 2) / 8 ** 0.5
        attn = torch.softmax(scores.masked_fill(self.mask, -1e4), -1)
        y = attn @ self.v(x)
        y = torch.where(y > 0.05, y, 0.1 * y)
        return self.fc(y.mean(1))


def export_qat(backend, path):
    q = torch.ao.quantization
    torch.manual_seed(1)
    model = QatCNN().train()
    model.qconfig = q.get_default_qat_qconfig(backend, version=0)
    q.fuse_modules_qat(model, [["c1", "b1", "r1"], ["c2", "b2", "r2"]], inplace=True)
    q.prepare_qat(model, inplace=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(20):
        x, y = torch.randn(16, 3, 12, 12), torch.randint(0, 4, (16,))
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    model.apply(q.disable_observer)
    model.apply(torch.nn.intrinsic.qat.freeze_bn_stats)
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(1, 3, 12, 12), path, opset_version=13,
                          input_names=["x"], output_names=["y"])


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = ActCNN().eval()
    torch.onnx.export(model, torch.zeros(1, 3, 12, 12),
                      os.path.join(out, "act_cnn.onnx"), opset_version=13,
                      input_names=["image"], output_names=["logits"])
    # A variant with PReLU: a per-channel slope (one of them negative, one
    # zero, one above 1) and a single one.
    prelu = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.PReLU(4),
                          nn.Conv2d(4, 2, 1), nn.PReLU()).eval()
    with torch.no_grad():
        prelu[1].weight.copy_(torch.tensor([0.25, -0.5, 0.0, 1.5]))
    torch.onnx.export(prelu, torch.zeros(1, 3, 12, 12),
                      os.path.join(out, "prelu.onnx"), opset_version=13,
                      input_names=["image"], output_names=["y"])
    torch.onnx.export(Conv1dNet().eval(), torch.zeros(1, 3, 64),
                      os.path.join(out, "conv1d.onnx"), opset_version=13,
                      input_names=["signal"], output_names=["logits"])
    torch.onnx.export(AutoEncoder().eval(), torch.zeros(1, 3, 12, 12),
                      os.path.join(out, "autoencoder.onnx"), opset_version=13,
                      input_names=["image"], output_names=["image_out"])
    torch.onnx.export(SegNet().eval(), torch.zeros(1, 3, 12, 12),
                      os.path.join(out, "segnet.onnx"), opset_version=13,
                      input_names=["image"], output_names=["mask"])
    torch.onnx.export(AttentionCNN().eval(), torch.zeros(1, 3, 12, 12),
                      os.path.join(out, "attention.onnx"), opset_version=13,
                      input_names=["image"], output_names=["logits"])
    # A transformer-style token MLP (LayerNorm exported as
    # LayerNormalization at opset 17).
    mlp = nn.Sequential(nn.Linear(8, 16), nn.LayerNorm(16), nn.GELU(), nn.Linear(16, 4)).eval()
    torch.onnx.export(mlp, torch.zeros(1, 6, 8), os.path.join(out, "token_mlp.onnx"),
                      opset_version=17, input_names=["tokens"], output_names=["y"])
    torch.onnx.export(Decoder1d().eval(), torch.zeros(1, 3, 64),
                      os.path.join(out, "decoder1d.onnx"), opset_version=13,
                      input_names=["signal"], output_names=["y"])
    # Recurrent keyword-spotting / sensor models over the 1-D inputs.
    for name, net in (("crnn", CRNN()), ("bilstm", BiLSTM())):
        torch.onnx.export(net.eval(), torch.zeros(1, 3, 64),
                          os.path.join(out, name + ".onnx"), opset_version=13,
                          input_names=["signal"], output_names=["logits"])
    torch.onnx.export(TextGRU().eval(), torch.zeros(1, 10, dtype=torch.int64),
                      os.path.join(out, "text_gru.onnx"), opset_version=13,
                      input_names=["ids"], output_names=["logits"])
    torch.onnx.export(MaskedAttention().eval(), torch.zeros(1, 6, 8),
                      os.path.join(out, "attention_mask.onnx"), opset_version=13,
                      input_names=["tokens"], output_names=["logits"])
    for backend in ("fbgemm", "qnnpack"):
        export_qat(backend, os.path.join(out, f"qat_{backend}.onnx"))
    rng = np.random.default_rng(5)
    np.save(os.path.join(out, "calib1d.npy"),
            rng.uniform(-1, 1, (32, 3, 64)).astype(np.float32))
    np.save(os.path.join(out, "inputs1d.npy"),
            rng.uniform(-1, 1, (64, 3, 64)).astype(np.float32))
    np.save(os.path.join(out, "calib_tokens.npy"), rng.integers(0, 40, (32, 10)))
    np.save(os.path.join(out, "inputs_tokens.npy"), rng.integers(0, 40, (64, 10)))
    np.save(os.path.join(out, "calib_seq.npy"),
            rng.uniform(-1, 1, (32, 6, 8)).astype(np.float32))
    np.save(os.path.join(out, "inputs_seq.npy"),
            rng.uniform(-1, 1, (64, 6, 8)).astype(np.float32))
    np.save(os.path.join(out, "calib.npy"),
            rng.uniform(-1, 1, (32, 3, 12, 12)).astype(np.float32))
    np.save(os.path.join(out, "inputs.npy"),
            rng.uniform(-1, 1, (64, 3, 12, 12)).astype(np.float32))


if __name__ == "__main__":
    main(sys.argv[1])
