"""
Cross-check (not a test; needs Python with torch/torchaudio 0.13): the librosa preset of our front end against
torchaudio configured with the same librosa conventions (Slaney scale + norm, zero 'constant' centre padding,
power 2, AmplitudeToDB top_db 80) and against torchaudio's librosa-style MFCC. torchaudio's Slaney filterbank is
a port of librosa.filters.mel, which is why it stands in for librosa here (librosa itself is not installed).
Usage: python3 bench/librosa-preset-crosscheck.py <input.f32> <sample_rate> <ours_mel_db.f32> <ours_mfcc.f32>
Prints the largest differences; run through bench/librosa-preset-crosscheck.ts, which writes the inputs.
"""
import sys
import numpy as np
import torch
import torchaudio

audio_path, rate, mel_path, mfcc_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
audio = torch.from_numpy(np.fromfile(audio_path, dtype='<f4'))
kw = dict(sample_rate=rate, n_fft=2048, hop_length=512, n_mels=128, power=2.0, center=True, pad_mode='constant',
          norm='slaney', mel_scale='slaney', f_min=0.0, f_max=rate / 2)
mel = torchaudio.transforms.MelSpectrogram(**kw)(audio)
mel_db = torchaudio.transforms.AmplitudeToDB('power', top_db=80.0)(mel).numpy()
mfcc = torchaudio.transforms.MFCC(sample_rate=rate, n_mfcc=40, dct_type=2, norm='ortho', log_mels=False,
                                  melkwargs={k: v for k, v in kw.items() if k != 'sample_rate'})(audio).numpy()
ours_mel = np.fromfile(mel_path, dtype='<f4').reshape(mel_db.shape)
ours_mfcc = np.fromfile(mfcc_path, dtype='<f4').reshape(mfcc.shape)
print(f"shape mel {mel_db.shape}, mfcc {mfcc.shape}")
print(f"mel dB: max |ours - torchaudio| = {np.abs(ours_mel - mel_db).max():.5f} dB")
print(f"   first/last frame (constant padding at the edges): {np.abs(ours_mel[:, 0] - mel_db[:, 0]).max():.5f} / {np.abs(ours_mel[:, -1] - mel_db[:, -1]).max():.5f} dB")
print(f"mfcc: max |ours - torchaudio| = {np.abs(ours_mfcc - mfcc).max():.5f}")
reflect = torchaudio.transforms.AmplitudeToDB('power', top_db=80.0)(
    torchaudio.transforms.MelSpectrogram(**{**kw, 'pad_mode': 'reflect'})(audio)).numpy()
print(f"for scale: reflect instead of constant padding changes the first frame by up to {np.abs(reflect[:, 0] - mel_db[:, 0]).max():.2f} dB")
