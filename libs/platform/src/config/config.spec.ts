import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults every adapter to embedded when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe('./data');
    expect(config.KAFKA_BROKERS).toBeUndefined();
    expect(config.MONGO_URL).toBeUndefined();
  });

  it('parses a broker list', () => {
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092, kafka:9093' }).KAFKA_BROKERS).toEqual(['127.0.0.1:9092', 'kafka:9093']);
  });

  it('names every invalid variable in one error', () => {
    expect(() => loadConfig({ PORT: 'abc', KAFKA_BROKERS: 'nohostport', MONGO_URL: 'http://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', KAFKA_BROKERS: 'nohostport', MONGO_URL: 'http://x' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/KAFKA_BROKERS/);
      expect((e as Error).message).toMatch(/MONGO_URL/);
    }
  });

  it('requires credentials with an S3 endpoint', () => {
    expect(() => loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(/S3_ACCESS_KEY/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ KAFKA_BROKERS: '' }).KAFKA_BROKERS).toBeUndefined();
  });
});
