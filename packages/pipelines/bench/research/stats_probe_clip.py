# Research probe (folds 2 and 3 only; fold 1 untouched): the baseline CNN (one seed), a logistic regression on
# CLIP-level log-mel statistics (per-mel mean, std, 10th and 90th percentile over the whole clip), and the two
# models' probabilities averaged. Features: dump-features.ts output in /tmp/nc-research/features.
#   cd packages/pipelines && nice -n 5 /usr/bin/python3 bench/research/stats_probe_clip.py
import sys
sys.argv = ['x']
import importlib.util, numpy as np, torch, torch.nn.functional as F, argparse
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location('r', __import__('os').path.join(__import__('os').path.dirname(__file__), 'recipe_search.py'))
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
specs, targets, folds, labels, names = m.load('/tmp/nc-research/features')
real = np.array([labels[t] in m.REAL for t in targets])
X = np.stack([np.concatenate([s.mean(1), s.std(1), np.percentile(s, 10, axis=1), np.percentile(s, 90, axis=1)]) for s in specs]).astype(np.float32)
a = argparse.Namespace(epochs=60, wpc=1, batch=16, lr=3e-3, wd=1e-4, dropout=0.3, width=1.0, frames=64, gain=6, fmask=6, tmask=8, noise=1,
                       mixup=0, ls=0, norm='none', eq=0, bg=0, bg_db=[6, 20], head='gap')
res = {}
for vf in (2, 3):
    tr = np.where((folds != 1) & (folds != vf))[0]; va = np.where(folds == vf)[0]; t = targets[va]
    mu, sd = X[tr].mean(0), X[tr].std(0) + 1e-3
    xt = torch.tensor((X[tr] - mu) / sd); xv = torch.tensor((X[va] - mu) / sd)
    torch.manual_seed(0)
    net = torch.nn.Linear(X.shape[1], 16)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-2, weight_decay=1e-3)
    counts = np.bincount(targets[tr], minlength=16); cw = torch.tensor(np.where(counts > 0, len(tr) / (16 * np.maximum(counts, 1)), 0), dtype=torch.float32)
    y = torch.tensor(targets[tr])
    for it in range(500):
        loss = F.cross_entropy(net(xt), y, weight=cw); opt.zero_grad(); loss.backward(); opt.step()
    p_lr = F.softmax(net(xv), 1).detach().numpy()
    p_cnn, _ = m.run_once(specs, targets, tr, va, 16, a, 42 + vf)
    for name, p in [('lr', p_lr), ('cnn', p_cnn), ('avg', (p_lr + p_cnn) / 2)]:
        pred = p.argmax(1)
        res.setdefault(name, []).append(((pred == t).mean(), (pred == t)[real[va]].mean()))
    print(vf, {k: [round(float(x), 3) for x in v[-1]] for k, v in res.items()}, flush=True)
for k, v in res.items():
    print(k, 'mean acc', round(float(np.mean([x[0] for x in v])), 3), 'real', round(float(np.mean([x[1] for x in v])), 3))
