"""Partial fine-tuning probe (issue 10): blocks >= 12 of mn04 + a new linear head trained in PyTorch on the frozen
block-11 activations that dump-block-features.ts wrote (our TS network's weights, tfjs layouts). Parity first: the
PyTorch blocks must reproduce the frozen embedding of embedding-probe.ts. Cross-validation over folds 2-3 only (fold 1
is never touched here).
   /usr/bin/python3 research/recipe-search/partial_finetune.py /tmp/blk [/tmp/probe-ml]"""
import json, sys
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

torch.set_num_threads(2)
d = sys.argv[1]
meta = json.load(open(f'{d}/index.json'))
H, W_, C = meta['shape']
items = meta['items']
feats = torch.tensor(np.fromfile(f'{d}/features.f32', dtype=np.float32).reshape(len(items), H, W_, C)).permute(0, 3, 1, 2).contiguous()
wraw = np.fromfile(f'{d}/weights.f32', dtype=np.float32)


def w(name):
    e = meta['weights'][name]
    return torch.tensor(wraw[e['offset']:e['offset'] + int(np.prod(e['shape']))].reshape(e['shape']))


def hswish(x): return x * F.relu6(x + 3) / 6


class BN(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.g = nn.Parameter(w(f'{p}/gamma')); self.b = nn.Parameter(w(f'{p}/beta'))
        self.register_buffer('m', w(f'{p}/moving_mean')); self.register_buffer('v', w(f'{p}/moving_variance'))
    def forward(self, x):  # always the pretrained statistics (frozen BN statistics; scale/shift may train)
        return (x - self.m[None, :, None, None]) / torch.sqrt(self.v[None, :, None, None] + 1e-3) * self.g[None, :, None, None] + self.b[None, :, None, None]


class Block(nn.Module):
    def __init__(self, i, k, stride, residual):
        super().__init__()
        p = f'block{i}'
        self.k, self.stride, self.residual = k, stride, residual
        self.expand = nn.Parameter(w(f'{p}_expand_conv/kernel').permute(3, 2, 0, 1).contiguous()); self.ebn = BN(f'{p}_expand_bn')
        self.dw = nn.Parameter(w(f'{p}_dw_conv/depthwise_kernel').permute(2, 3, 0, 1).contiguous()); self.dbn = BN(f'{p}_dw_bn')
        self.ser = nn.Parameter(w(f'{p}_se_reduce/kernel').permute(3, 2, 0, 1).contiguous()); self.serb = nn.Parameter(w(f'{p}_se_reduce/bias'))
        self.see = nn.Parameter(w(f'{p}_se_expand/kernel').permute(3, 2, 0, 1).contiguous()); self.seeb = nn.Parameter(w(f'{p}_se_expand/bias'))
        self.proj = nn.Parameter(w(f'{p}_project_conv/kernel').permute(3, 2, 0, 1).contiguous()); self.pbn = BN(f'{p}_project_bn')
    def forward(self, x):
        inp = x
        x = hswish(self.ebn(F.conv2d(x, self.expand)))
        pad = (self.k - 1) // 2
        x = hswish(self.dbn(F.conv2d(x, self.dw, stride=self.stride, padding=pad, groups=x.shape[1])))
        s = x.mean((2, 3), keepdim=True)
        s = torch.sigmoid(F.conv2d(F.relu(F.conv2d(s, self.ser, self.serb)), self.see, self.seeb))
        x = self.pbn(F.conv2d(x * s, self.proj))
        return x + inp if self.residual else x


class Top(nn.Module):
    def __init__(self, n_cls):
        super().__init__()
        self.blocks = nn.ModuleList([Block(12, 3, 1, True), Block(13, 5, 2, False), Block(14, 5, 1, True), Block(15, 5, 1, True)])
        self.head = nn.Parameter(w('head_conv/kernel').permute(3, 2, 0, 1).contiguous()); self.hbn = BN('head_bn')
        self.fc = nn.Linear(384, n_cls)
    def embed(self, x):
        for b in self.blocks: x = b(x)
        return hswish(self.hbn(F.conv2d(x, self.head))).mean((2, 3))


labels = sorted({it['label'] for it in items})
y = torch.tensor([labels.index(it['label']) for it in items])
fold = np.array([it['fold'] for it in items])
ORIG = {'baby_crying', 'construction_sawing', 'dog_barking', 'ocean_waves', 'rain_heavy', 'construction_drilling',
        'construction_hammering', 'crowd_talking', 'hvac_fan', 'traffic_urban'}
orig = np.array([it['label'] in ORIG and not it['name'].startswith('esc50') for it in items])

# tfjs 'same' padding for stride 1 odd kernels is symmetric; stride-2 blocks pad (k-1)/2 both sides then 'valid': the same.
with torch.no_grad():
    emb = torch.cat([Top(len(labels)).embed(feats[i:i + 32]) for i in range(0, len(items), 32)])
if len(sys.argv) > 2:
    ref = np.fromfile(f'{sys.argv[2]}/probe.f32', dtype=np.float32).reshape(len(items), 1, -1)[:, 0, :384]
    print('parity: max abs diff vs embedding-probe', float(np.abs(emb.numpy() - ref).max()), 'max |ref|', float(np.abs(ref).max()), flush=True)


def logistic_init(e, t, l2=1e-2, steps=300):
    mu, sd = e.mean(0), e.std(0) + 1e-6
    A = (e - mu) / sd
    Wt = torch.zeros(e.shape[1], len(labels), requires_grad=True); b = torch.zeros(len(labels), requires_grad=True)
    cw = torch.bincount(t, minlength=len(labels)).float(); cw = cw.sum() / (len(labels) * cw.clamp(min=1))
    opt = torch.optim.Adam([Wt, b], lr=1e-2); sch = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps, eta_min=2e-4)
    for _ in range(steps):
        loss = F.cross_entropy(A @ Wt + b, t, weight=cw) + l2 * (Wt ** 2).sum(); opt.zero_grad(); loss.backward(); opt.step(); sch.step()
    return (Wt / sd[:, None]).detach().T.contiguous(), (b - (mu / sd) @ Wt).detach(), cw


def run(k, epochs, lr, l2=1e-2, wd=1e-4, mixup=0.0, train_bn=True, blocks_from=12, seed=0, mask=0):
    torch.manual_seed(seed)
    tr = torch.tensor((fold != k) & (fold != 1)); te = torch.tensor((fold == k) & orig)
    model = Top(len(labels))
    Wt, b, cw = logistic_init(emb[tr], y[tr], l2)
    with torch.no_grad(): model.fc.weight.copy_(Wt); model.fc.bias.copy_(b)
    first = blocks_from - 12
    params = [p for i, blk in enumerate(model.blocks) if i >= first for p in blk.parameters()] + [model.head] + list(model.hbn.parameters())
    if not train_bn: params = [p for p in params if p.dim() > 1]
    opt = torch.optim.AdamW([{'params': params, 'lr': lr, 'weight_decay': wd}, {'params': model.fc.parameters(), 'lr': lr, 'weight_decay': 0}])
    X, T = feats[tr], y[tr]
    n = len(X); steps = epochs * ((n + 15) // 16); sch = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps, eta_min=lr * 0.02)
    def score():
        with torch.no_grad():
            p = model.fc(model.embed(feats[te])).argmax(1)
        return int((p == y[te]).sum()), int(te.sum())
    before = score()
    for ep in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, 16):
            idx = perm[i:i + 16]; xb, tb = X[idx], T[idx]
            if mask:  # SpecAugment on the block input: up to 2 of its 8 frequency rows and `mask` of its time columns zeroed
                xb = xb.clone()
                for r in range(len(xb)):
                    f0 = np.random.randint(0, H); xb[r, :, f0:f0 + np.random.randint(0, 3), :] = 0
                    t0 = np.random.randint(0, W_); xb[r, :, :, t0:t0 + np.random.randint(0, mask + 1)] = 0
            if mixup:
                lam = float(np.random.beta(mixup, mixup)); j = torch.randperm(len(idx))
                xb = lam * xb + (1 - lam) * xb[j]
                out = model.fc(model.embed(xb))
                loss = lam * F.cross_entropy(out, tb, weight=cw) + (1 - lam) * F.cross_entropy(out, tb[j], weight=cw)
            else:
                loss = F.cross_entropy(model.fc(model.embed(xb)), tb, weight=cw)
            opt.zero_grad(); loss.backward(); opt.step(); sch.step()
    return before, score()


if __name__ == '__main__':
    configs = [dict(epochs=10, lr=1e-4), dict(epochs=10, lr=3e-4), dict(epochs=20, lr=1e-4, mixup=0.2), dict(epochs=10, lr=3e-4, blocks_from=14)]
    if len(sys.argv) > 3: configs = [eval(c) for c in sys.argv[3:]]
    for cfg in configs:
        res = [run(k, **cfg) for k in (2, 3)]
        b = sum(r[0][0] for r in res); a = sum(r[1][0] for r in res); t = sum(r[0][1] for r in res)
        print(cfg, 'logistic start', ' '.join(f'{r[0][0]}/{r[0][1]}' for r in res), f'{b}/{t}', '→ fine-tuned', ' '.join(f'{r[1][0]}/{r[1][1]}' for r in res), f'{a}/{t}', flush=True)
