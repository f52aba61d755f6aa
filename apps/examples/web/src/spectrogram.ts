/** A scrolling log-mel spectrogram on a canvas: new columns enter on the right. */
export class Spectrogram {
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d')!;
    this.reset();
  }

  reset(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Appends a [bins × frames] dB spectrogram (row-major), scaled to the canvas height. */
  push(spec: { data: Float32Array; bins: number; frames: number }): void {
    const { width, height } = this.canvas;
    const frames = Math.min(spec.frames, width);
    if (frames === 0) return;
    // Shift the old picture left, then draw the new columns at the right edge.
    this.ctx.drawImage(this.canvas, frames, 0, width - frames, height, 0, 0, width - frames, height);
    let max = -Infinity;
    for (const v of spec.data) if (v > max) max = v;
    const floor = max - 80;
    const image = this.ctx.createImageData(frames, height);
    const first = spec.frames - frames;
    for (let y = 0; y < height; y++) {
      const bin = Math.min(spec.bins - 1, Math.floor(((height - 1 - y) / height) * spec.bins));
      for (let x = 0; x < frames; x++) {
        const v = spec.data[bin * spec.frames + first + x]!; // bin < bins, first + x < frames
        const t = Math.max(0, Math.min(1, (v - floor) / 80));
        const o = (y * frames + x) * 4;
        image.data[o] = Math.round(255 * Math.min(1, t * 1.8));
        image.data[o + 1] = Math.round(255 * Math.max(0, t * 1.8 - 0.8));
        image.data[o + 2] = Math.round(255 * (t < 0.5 ? t : 1 - t));
        image.data[o + 3] = 255;
      }
    }
    this.ctx.putImageData(image, width - frames, 0);
  }
}
