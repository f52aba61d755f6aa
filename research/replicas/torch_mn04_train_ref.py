"""PyTorch reference for efficientat-train-step.bench.ts: seconds per forward + backward (no optimiser) of an
mn04-shaped network — our own PyTorch transcription of the block table in src/architectures/efficientat-mn.ts
(inverted residuals, channel SE with sigmoid, hard swish, BN eps 1e-3, symmetric (k-1)/2 padding, 1x1 head,
linear 384->512 + hard swish + dropout + linear) — in training mode on random 1x128xW input.

Usage: /usr/bin/python3 torch_mn04_train_ref.py THREADS BATCH FRAMES STEPS. Prints one JSON line."""
import json
import sys
import time

import torch
import torch.nn as nn

threads, batch, frames, steps = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(threads)
torch.manual_seed(0)

# (in, kernel, expanded, out, squeeze-excite, hard swish, stride) at width 1.0, as in EFFICIENTAT_MN_BLOCKS.
TABLE = [
    (16, 3, 16, 16, 0, 0, 1), (16, 3, 64, 24, 0, 0, 2), (24, 3, 72, 24, 0, 0, 1), (24, 5, 72, 40, 1, 0, 2),
    (40, 5, 120, 40, 1, 0, 1), (40, 5, 120, 40, 1, 0, 1), (40, 3, 240, 80, 0, 1, 2), (80, 3, 200, 80, 0, 1, 1),
    (80, 3, 184, 80, 0, 1, 1), (80, 3, 184, 80, 0, 1, 1), (80, 3, 480, 112, 1, 1, 1), (112, 3, 672, 112, 1, 1, 1),
    (112, 5, 672, 160, 1, 1, 2), (160, 5, 960, 160, 1, 1, 1), (160, 5, 960, 160, 1, 1, 1),
]
WIDTH = 0.4


def width(c, w=WIDTH):
    rounded = max(8, int(c * w + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * c * w else rounded


def conv_bn(cin, cout, k=1, stride=1, groups=1, act=None):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=1e-3)]
    return nn.Sequential(*layers, *([act()] if act else []))


class Excite(nn.Module):
    def __init__(self, c):
        super().__init__()
        squeeze = width(c // 4, 1)
        self.reduce, self.expand = nn.Conv2d(c, squeeze, 1), nn.Conv2d(squeeze, c, 1)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * torch.sigmoid(self.expand(torch.relu(self.reduce(s))))


class Block(nn.Module):
    def __init__(self, cin, k, exp, cout, se, hs, stride):
        super().__init__()
        act = nn.Hardswish if hs else nn.ReLU
        parts = [conv_bn(cin, exp, act=act)] if exp != cin else []
        parts += [conv_bn(exp, exp, k, stride, exp, act)] + ([Excite(exp)] if se else []) + [conv_bn(exp, cout)]
        self.body, self.residual = nn.Sequential(*parts), stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return y + x if self.residual else y


def mn04(classes):
    blocks = [(width(i), k, width(e), width(o), se, hs, s) for i, k, e, o, se, hs, s in TABLE]
    last = blocks[-1][3]
    return nn.Sequential(
        conv_bn(1, width(16), 3, 2, act=nn.Hardswish), *[Block(*b) for b in blocks], conv_bn(last, 6 * last, act=nn.Hardswish),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6 * last, width(1280)), nn.Hardswish(), nn.Dropout(0.2),
        nn.Linear(width(1280), classes),
    )


model = mn04(10)
model.train()
x = torch.randn(batch, 1, 128, frames)
y = torch.randint(0, 10, (batch,))
loss_fn = nn.CrossEntropyLoss()
times, cpu = [], []
for i in range(steps + 1):
    t, c = time.perf_counter(), time.process_time()
    model.zero_grad()
    loss_fn(model(x), y).backward()
    if i > 0:  # step 0 warms up
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
times.sort()
cpu.sort()
print(json.dumps({"threads": threads, "parameters": sum(p.numel() for p in model.parameters()),
                  "step_s": times[len(times) // 2], "cpu_s": cpu[len(cpu) // 2]}))
