export { decodeAudioFile as decode } from '../../src/service-classifier';

export const TOKEN = 'test-token-7f3a9c';
