# Research probe (folds 2 and 3 only; fold 1 untouched): the baseline CNN (one seed), a logistic regression on
# WINDOW-level statistics (per-mel mean and std over each 64-frame window; clip = mean of window probabilities, as
# the service aggregates), and the two models' probabilities averaged — the variant an ONNX ensemble could hold.
#   cd packages/pipelines && nice -n 5 /usr/bin/python3 bench/research/stats_probe_window.py
import sys
sys.argv = ['x']
import importlib.util, numpy as np, torch, torch.nn.functional as F, argparse
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location('r', __import__('os').path.join(__import__('os').path.dirname(__file__), 'recipe_search.py'))
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
specs, targets, folds, labels, names = m.load('/tmp/nc-research/features')
real = np.array([labels[t] in m.REAL for t in targets])
def wf(w): return np.concatenate([w.mean(2), w.std(2)], 1)
X = None
a = argparse.Namespace(epochs=60, wpc=1, batch=16, lr=3e-3, wd=1e-4, dropout=0.3, width=1.0, frames=64, gain=6, fmask=6, tmask=8, noise=1,
                       mixup=0, ls=0, norm='none', eq=0, bg=0, bg_db=[6, 20], head='gap')
res = {}
for vf in (2, 3):
    tr = np.where((folds != 1) & (folds != vf))[0]; va = np.where(folds == vf)[0]; t = targets[va]
    W, Y = [], []
    for i in tr:
        w = m.windows_of(specs[i], 64); W.append(wf(w)); Y += [targets[i]] * len(w)
    W = np.concatenate(W).astype(np.float32); Yn = np.array(Y)
    mu, sd = W.mean(0), W.std(0) + 1e-3
    xt = torch.tensor((W - mu) / sd); y = torch.tensor(Yn)
    counts = np.bincount(Yn, minlength=16); cw = torch.tensor(np.where(counts > 0, len(Yn) / (16 * np.maximum(counts, 1)), 0), dtype=torch.float32)
    torch.manual_seed(0); net = torch.nn.Linear(W.shape[1], 16); opt = torch.optim.AdamW(net.parameters(), lr=1e-2, weight_decay=1e-3)
    for it in range(500):
        loss = F.cross_entropy(net(xt), y, weight=cw); opt.zero_grad(); loss.backward(); opt.step()
    p_lr = np.stack([F.softmax(net(torch.tensor((wf(m.windows_of(specs[i], 64)) - mu) / sd, dtype=torch.float32)), 1).mean(0).detach().numpy() for i in va])
    p_cnn, _ = m.run_once(specs, targets, tr, va, 16, a, 42 + vf)
    for name, p in [('lr', p_lr), ('cnn', p_cnn), ('avg', (p_lr + p_cnn) / 2)]:
        pred = p.argmax(1)
        res.setdefault(name, []).append(((pred == t).mean(), (pred == t)[real[va]].mean()))
    print(vf, {k: [round(float(x), 3) for x in v[-1]] for k, v in res.items()}, flush=True)
for k, v in res.items():
    print(k, 'mean acc', round(float(np.mean([x[0] for x in v])), 3), 'real', round(float(np.mean([x[1] for x in v])), 3))
