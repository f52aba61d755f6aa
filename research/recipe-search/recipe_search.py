"""Recipe search for the default model, in PyTorch, on OUR features (research only, not a test or a dependency).

A faithful replica of `noise-classifier train` (cnn_small, AdamW + cosine to 2%, balanced class weights, batch 16,
one random 64-frame window per clip per epoch, ±6 dB gain, SpecAugment 2×6 bins + 2×8 frames filled with the
window minimum, 1 dB Gaussian input noise, BN eps 1e-3 momentum 0.1, clip-level mean of window softmax over
non-overlapping windows, the last one aligned to the clip's end) on the log-mel spectrograms our own TypeScript
front end computed (research/recipe-search/dump-features.ts), plus optional ingredients to compare.

Fold 1 is never used here: a recipe is scored on fold 2 (training on folds 3-4) and/or fold 3 (training on 2 and 4).

  nice -n 5 /usr/bin/python3 research/recipe-search/recipe_search.py --features /tmp/nc-research/features \
     --val 2,3 --name baseline [--epochs 60 --wpc 1 --norm none --eq 0 --seeds 1 ...]
Appends one JSON line per run to --log.
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)

REAL = {'traffic_urban', 'construction_drilling', 'construction_hammering', 'construction_sawing', 'rain_heavy',
        'ocean_waves', 'hvac_fan', 'crowd_talking', 'baby_crying', 'dog_barking'}


def load(features):
    index = json.load(open(f'{features}/index.json'))
    blob = np.fromfile(f'{features}/spectrograms.f32', dtype=np.float32)
    specs = [blob[it['offset']:it['offset'] + it['bins'] * it['frames']].reshape(it['bins'], it['frames']) for it in index['items']]
    labels = index['labels']
    targets = np.array([labels.index(it['label']) for it in index['items']])
    folds = np.array([it['fold'] for it in index['items']])
    names = [it['name'] for it in index['items']]
    return specs, targets, folds, labels, names


class CnnSmall(nn.Module):
    """cnn_small as packages/models/src/architectures/cnn-small.ts builds it (width multiplier for experiments)."""

    def __init__(self, classes, dropout=0.3, width=1.0, in_ch=1, inst_norm=False, head='gap', bins=64, frames=64):
        super().__init__()
        self.head = head
        layers = []
        if inst_norm:
            layers.append(nn.InstanceNorm2d(in_ch, affine=False))
        c = in_ch
        for f in (32, 64, 96, 128):
            f = int(round(f * width))
            conv = nn.Conv2d(c, f, 3, padding=1, bias=False)
            # He-normal fan-out, truncated (tfjs varianceScaling scale 2 fanOut truncatedNormal).
            std = math.sqrt(2.0 / (f * 9)) / 0.87962566103423978
            nn.init.trunc_normal_(conv.weight, 0, std, -2 * std, 2 * std)
            layers += [conv, nn.BatchNorm2d(f, eps=1e-3, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2, 2, ceil_mode=True)]
            c = f
        self.features = nn.Sequential(*layers)
        self.drop = nn.Dropout(dropout)
        # 'gap': global average pool (ours); 'freqflat': mean over time only, frequency positions kept (flattened);
        # 'avgmax': global average and global max pooling concatenated.
        # 'flat': flatten the whole last map (time positions too) — the portable variant (Flatten + Dense).
        feat = {'gap': c, 'freqflat': c * math.ceil(bins / 16), 'avgmax': 2 * c, 'avgplusmax': c, 'flat': c * math.ceil(bins / 16) * math.ceil(frames / 16)}[head]
        self.fc = nn.Linear(feat, classes)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        x = self.features(x)
        if self.head == 'gap':
            x = x.mean(dim=(2, 3))
        elif self.head == 'freqflat':
            x = x.mean(dim=3).flatten(1)
        elif self.head == 'avgplusmax':
            # mean + max over the last map (summed, not concatenated): MaxPooling2D + Flatten + Add in Keras terms.
            x = x.mean(dim=(2, 3)) + x.amax(dim=(2, 3))
        elif self.head == 'flat':
            x = x.flatten(1)
        else:
            x = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], 1)
        return self.fc(self.drop(x))


def windows_of(spec, width):
    """Non-overlapping windows, the last aligned to the end; short clips padded with the minimum."""
    bins, frames = spec.shape
    if frames <= width:
        out = np.full((1, bins, width), spec.min(), np.float32)
        out[0, :, :frames] = spec
        return out
    starts = list(range(0, frames - width + 1, width))
    if starts[-1] != frames - width:
        starts.append(frames - width)
    return np.stack([spec[:, s:s + width] for s in starts])


def normalise(x, mode):
    """x: [N, bins, frames]. 'clip': window mean/std; 'freq': per-bin mean removed (and window std);"""
    if mode == 'none':
        return x
    if mode == 'clip':
        m = x.mean(axis=(1, 2), keepdims=True)
        s = x.std(axis=(1, 2), keepdims=True) + 1e-3
        return (x - m) / s
    if mode == 'mean':
        return x - x.mean(axis=(1, 2), keepdims=True)
    if mode == 'freq':
        x = x - x.mean(axis=2, keepdims=True)
        return x / (x.std(axis=(1, 2), keepdims=True) + 1e-3)
    raise ValueError(mode)


def train_batch(specs, items, targets, rng, a, others=None):
    width = a.frames
    bins = specs[0].shape[0]
    x = np.empty((len(items), bins, width), np.float32)
    for b, i in enumerate(items):
        s = specs[i]
        if s.shape[1] > width:
            t0 = rng.integers(0, s.shape[1] - width + 1)
            w = s[:, t0:t0 + width].copy()
        else:
            w = np.full((bins, width), s.min(), np.float32)
            w[:, :s.shape[1]] = s
        if a.bg > 0 and others is not None and rng.random() < a.bg:
            # Another clip (any class but this one) quietly underneath: power sum in dB.
            j = others[rng.integers(0, len(others))]
            while targets[j] == targets[i]:
                j = others[rng.integers(0, len(others))]
            o = specs[j]
            t1 = rng.integers(0, max(1, o.shape[1] - width + 1))
            ow = np.full((bins, width), o.min(), np.float32)
            seg = o[:, t1:t1 + width]
            ow[:, :seg.shape[1]] = seg
            rel = rng.uniform(-a.bg_db[1], -a.bg_db[0])
            ow = ow - ow.max() + w.max() + rel
            w = 10 * np.log10(10 ** (w / 10) + 10 ** (ow / 10))
        w = w + rng.uniform(-a.gain, a.gain)
        if a.eq > 0:
            # Random smooth EQ: tilt plus a random low-order curve over the mel bins (± a.eq dB at the ends).
            f = np.linspace(-1, 1, bins)[:, None]
            curve = rng.uniform(-a.eq, a.eq) * f + rng.uniform(-a.eq, a.eq) * (f ** 2 - 1 / 3) + rng.uniform(-a.eq, a.eq) * (f ** 3 - 0.6 * f)
            w = w + curve.astype(np.float32)
        mn = w.min()
        # features' frequencyMask/timeMask (torchaudio's draw): width = floor(U[0, max)), start = floor(U[0, size − value)).
        for _ in range(2):
            v = rng.uniform(0, min(a.fmask, bins))
            f0 = int(rng.uniform(0, bins - v))
            w[f0:f0 + int(v)] = mn
        for _ in range(2):
            v = rng.uniform(0, min(a.tmask, width))
            t0 = int(rng.uniform(0, width - v))
            w[:, t0:t0 + int(v)] = mn
        x[b] = w
    x += a.noise * rng.standard_normal(x.shape).astype(np.float32)
    return x


def run_once(specs, targets, train_idx, val_idx, classes, a, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = CnnSmall(classes, a.dropout, a.width, inst_norm=a.norm == 'inst', head=a.head, bins=specs[0].shape[0], frames=a.frames)
    decay = [p for n, p in model.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': a.wd}, {'params': no_decay, 'weight_decay': 0}], lr=a.lr, eps=1e-8)
    counts = np.bincount(targets[train_idx], minlength=classes)
    present = (counts > 0).sum()
    cw = np.where(counts > 0, len(train_idx) / (present * np.maximum(counts, 1)), 0).astype(np.float32)
    cw_t = torch.tensor(cw)
    epoch_items = np.repeat(train_idx, a.wpc)
    steps_per_epoch = math.ceil(len(epoch_items) / a.batch)
    total = steps_per_epoch * a.epochs
    step = 0
    norm = a.norm if a.norm != 'inst' else 'none'
    for epoch in range(a.epochs):
        model.train()
        order = rng.permutation(epoch_items)
        for s in range(0, len(order), a.batch):
            items = order[s:s + a.batch]
            x = normalise(train_batch(specs, items, targets, rng, a, train_idx), norm)
            y = torch.tensor(targets[items])
            xt = torch.from_numpy(x)[:, None]
            if a.mixup > 0 and len(items) > 1:
                lam = float(rng.beta(a.mixup, a.mixup))
                perm = torch.from_numpy(rng.permutation(len(items)))
                xt = lam * xt + (1 - lam) * xt[perm]
                onehot = F.one_hot(y, classes).float()
                soft = lam * onehot + (1 - lam) * onehot[perm]
                wts = lam * cw_t[y] + (1 - lam) * cw_t[y[perm]]
            else:
                soft = F.one_hot(y, classes).float()
                wts = cw_t[y]
            if a.ls > 0:
                soft = soft * (1 - a.ls) + a.ls / classes
            lr = a.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1, step / max(1, total - 1)))))
            for g in opt.param_groups:
                g['lr'] = lr
            logits = model(xt)
            ce = -(soft * F.log_softmax(logits, 1)).sum(1)
            loss = (ce * wts).sum() / wts.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
    return predict(model, specs, val_idx, a, norm), model


@torch.no_grad()
def predict(model, specs, idx, a, norm):
    model.eval()
    out = []
    for i in idx:
        w = normalise(windows_of(specs[i], a.frames), norm)
        p = F.softmax(model(torch.from_numpy(w)[:, None]), 1).mean(0)
        out.append(p.numpy())
    return np.stack(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--features', default='/tmp/nc-research/features')
    ap.add_argument('--val', default='2,3')
    ap.add_argument('--name', default='run')
    ap.add_argument('--log', default='/tmp/nc-research/runs.jsonl')
    ap.add_argument('--epochs', type=int, default=60)
    ap.add_argument('--wpc', type=int, default=1, help='random windows per clip per epoch')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--wd', type=float, default=1e-4)
    ap.add_argument('--dropout', type=float, default=0.3)
    ap.add_argument('--width', type=float, default=1.0)
    ap.add_argument('--frames', type=int, default=64)
    ap.add_argument('--gain', type=float, default=6)
    ap.add_argument('--fmask', type=int, default=6)
    ap.add_argument('--tmask', type=int, default=8)
    ap.add_argument('--noise', type=float, default=1)
    ap.add_argument('--mixup', type=float, default=0)
    ap.add_argument('--ls', type=float, default=0)
    ap.add_argument('--norm', default='none', choices=['none', 'clip', 'mean', 'freq', 'inst'])
    ap.add_argument('--eq', type=float, default=0)
    ap.add_argument('--bg', type=float, default=0, help='probability of mixing another class underneath')
    ap.add_argument('--bg-db', type=float, nargs=2, default=[6, 20])
    ap.add_argument('--seeds', type=int, default=1, help='ensemble size (probabilities averaged)')
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--head', default='gap', choices=['gap', 'freqflat', 'avgmax', 'avgplusmax', 'flat'])
    a = ap.parse_args()
    specs, targets, folds, labels, names = load(a.features)
    classes = len(labels)
    real = np.array([labels[t] in REAL for t in targets])
    result = {'name': a.name, 'args': vars(a), 'folds': {}}
    t_all = time.time()
    for vf in [int(v) for v in a.val.split(',')]:
        train_idx = np.where((folds != 1) & (folds != vf))[0]
        val_idx = np.where(folds == vf)[0]
        t0 = time.time()
        probs = []
        member_acc = []
        for k in range(a.seeds):
            p, _ = run_once(specs, targets, train_idx, val_idx, classes, a, a.seed + 1000 * k + vf)
            probs.append(p)
            member_acc.append(float((p.argmax(1) == targets[val_idx]).mean()))
        p = np.mean(probs, 0)
        pred = p.argmax(1)
        t = targets[val_idx]
        acc = float((pred == t).mean())
        racc = float((pred == t)[real[val_idx]].mean())
        per = {labels[c]: f'{int(((pred == c) & (t == c)).sum())}/{int((t == c).sum())}' for c in range(classes) if labels[c] in REAL}
        result['folds'][vf] = {'acc': acc, 'real_acc': racc, 'members': member_acc, 'clips': int(len(val_idx)),
                               'real_clips': int(real[val_idx].sum()), 'seconds': time.time() - t0, 'per_class': per}
        print(f"{a.name} fold {vf}: acc {acc:.3f} real {racc:.3f} members {[round(m, 3) for m in member_acc]} ({time.time() - t0:.0f} s) {per}", flush=True)
    accs = [r['acc'] for r in result['folds'].values()]
    raccs = [r['real_acc'] for r in result['folds'].values()]
    result['mean_acc'] = float(np.mean(accs))
    result['mean_real_acc'] = float(np.mean(raccs))
    result['seconds'] = time.time() - t_all
    print(f"{a.name}: mean acc {result['mean_acc']:.3f} real {result['mean_real_acc']:.3f} ({result['seconds']:.0f} s)", flush=True)
    with open(a.log, 'a') as fh:
        fh.write(json.dumps(result) + '\n')


if __name__ == '__main__':
    main()
