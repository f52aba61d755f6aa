"""Linear probes on embedding-probe.ts output (issue 10). Cross-validation over folds 2-4 only (fold 1 is the
held-out fold: never scored here unless --heldout is given, once, for a recipe chosen beforehand).
   /usr/bin/python3 research/recipe-search/embedding_probe.py /tmp/probe [--heldout]"""
import json, sys
import numpy as np, torch

torch.set_num_threads(1)
out = sys.argv[1]
heldout = '--heldout' in sys.argv
meta = json.load(open(f'{out}/probe.json'))
dim, variants, items = meta['dim'], meta['variants'], meta['items']
X = np.fromfile(f'{out}/probe.f32', dtype=np.float32).reshape(len(items), len(variants), dim)
labels = sorted({it['label'] for it in items})
y = np.array([labels.index(it['label']) for it in items])
fold = np.array([it['fold'] for it in items])
src = np.array([it['name'].split('/')[0] for it in items])
ORIG = {'baby_crying', 'construction_sawing', 'dog_barking', 'ocean_waves', 'rain_heavy', 'construction_drilling',
        'construction_hammering', 'crowd_talking', 'hvac_fan', 'traffic_urban'}
orig = np.array([it['label'] in ORIG and not it['name'].startswith('esc50') for it in items])


def feats(v, kind):
    e = X[:, variants.index(v), :384]
    s = 1 / (1 + np.exp(-X[:, variants.index(v), 384:]))
    return {'emb': e, 'emb+as': np.concatenate([e, s], 1), 'as': s}[kind]


def fit_predict(Xtr, ytr, Xte, l2, ncls):
    mu, sd = Xtr.mean(0), Xtr.std(0) + 1e-6
    A = torch.tensor((Xtr - mu) / sd); B = torch.tensor((Xte - mu) / sd)
    t = torch.tensor(ytr)
    W = torch.zeros(A.shape[1], ncls, requires_grad=True); b = torch.zeros(ncls, requires_grad=True)
    opt = torch.optim.LBFGS([W, b], max_iter=300, line_search_fn='strong_wolfe')
    cw = torch.tensor(np.bincount(ytr, minlength=ncls), dtype=torch.float32)
    cw = (cw.sum() / (ncls * cw.clamp(min=1)))

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(A @ W + b, t, weight=cw) + l2 * (W ** 2).sum()
        loss.backward(); return loss
    opt.step(closure)
    return (B @ W + b).softmax(1).detach().numpy()


def score(v, kind, l2, folds, train_mask_extra=None):
    F = feats(v, kind); hits = tot = 0
    for k in folds:
        tr = (fold != k) & (fold != 1) if not heldout else (fold != 1)
        if train_mask_extra is not None: tr &= train_mask_extra
        te = (fold == k) & orig
        p = fit_predict(F[tr], y[tr], F[te], l2, len(labels))
        hits += (p.argmax(1) == y[te]).sum(); tot += te.sum()
    return hits, tot


only400 = src != 'esc50_fold4'
for v in variants:
    for kind in ['emb', 'emb+as', 'as']:
        for l2 in [1e-4, 1e-3, 1e-2]:
            for name, extra in [('400', only400), ('480', None)]:
                h, t = score(v, kind, l2, [1] if heldout else [2, 3], extra)
                print(f'{v:8s} {kind:7s} l2={l2:g} train={name}: {h}/{t} = {h/t:.3f}', flush=True)
