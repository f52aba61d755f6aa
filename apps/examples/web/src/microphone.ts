import type { TorchAudioFeatureExtractor } from '@noise-classifier/features';
import type { ClassificationResult, NoiseClassifierService } from '@noise-classifier/pipelines';

export interface MicrophoneCallbacks {
  onSpectrogram(spec: { data: Float32Array; bins: number; frames: number }): void;
  /** Called about twice a second with the classification of the audio heard so far (last `historySeconds`). */
  onResult(result: ClassificationResult, inferenceMs: number): void;
}

/**
 * Captures the microphone with Web Audio, draws each new chunk's log-mel and classifies the recent audio
 * (up to `historySeconds`, windows averaged like a file) whenever the previous classification is done.
 */
export class MicrophoneSession {
  private chunks: Float32Array[] = [];
  private buffered = 0;
  private busy = false;
  private stopped = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly context: AudioContext,
    private readonly stream: MediaStream,
    private readonly node: ScriptProcessorNode,
    private readonly service: NoiseClassifierService,
    private readonly extractor: TorchAudioFeatureExtractor,
    private readonly callbacks: MicrophoneCallbacks,
    private readonly historySeconds: number,
  ) {}

  get sampleRate(): number {
    return this.context.sampleRate;
  }

  static async start(service: NoiseClassifierService, extractor: TorchAudioFeatureExtractor, callbacks: MicrophoneCallbacks, historySeconds = 4): Promise<MicrophoneSession> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    const context = new AudioContext();
    const source = context.createMediaStreamSource(stream);
    // ScriptProcessorNode keeps the demo to one file (an AudioWorklet needs a separate module); 4096 frames ≈ 85 ms.
    const node = context.createScriptProcessor(4096, 1, 1);
    const session = new MicrophoneSession(context, stream, node, service, extractor, callbacks, historySeconds);
    node.onaudioprocess = (e) => session.onAudio(e.inputBuffer.getChannelData(0));
    source.connect(node);
    node.connect(context.destination);
    await context.resume();
    session.timer = setInterval(() => void session.classify(), 500);
    return session;
  }

  private onAudio(input: Float32Array): void {
    if (this.stopped) return;
    const chunk = new Float32Array(input);
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const limit = this.historySeconds * this.context.sampleRate;
    for (let oldest = this.chunks[0]; oldest && this.buffered - oldest.length >= limit; oldest = this.chunks[0]) {
      this.chunks.shift();
      this.buffered -= oldest.length;
    }
    void this.service.prepareAudio(chunk, this.context.sampleRate).then((prepared) => {
      if (prepared.length >= this.extractor.config.nFft) this.callbacks.onSpectrogram(this.extractor.extractMelSpectrogram(prepared));
    });
  }

  private async classify(): Promise<void> {
    if (this.busy || this.stopped || this.buffered < this.context.sampleRate) return;
    this.busy = true;
    try {
      const audio = new Float32Array(this.buffered);
      let o = 0;
      for (const c of this.chunks) {
        audio.set(c, o);
        o += c.length;
      }
      const t = performance.now();
      const result = await this.service.classify(audio, this.context.sampleRate);
      if (!this.stopped) this.callbacks.onResult(result, performance.now() - t);
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.node.disconnect();
    this.stream.getTracks().forEach((t) => t.stop());
    await this.context.close();
  }
}
