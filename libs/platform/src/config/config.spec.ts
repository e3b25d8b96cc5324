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

  it('takes a Kafka consumer session timeout of at least 6 s (the broker refuses less), 30 s by default', () => {
    expect(loadConfig({}).KAFKA_SESSION_TIMEOUT_MS).toBe(30_000);
    expect(loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '10000' }).KAFKA_SESSION_TIMEOUT_MS).toBe(10_000);
    expect(() => loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '1000' })).toThrow(/KAFKA_SESSION_TIMEOUT_MS/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ KAFKA_BROKERS: '' }).KAFKA_BROKERS).toBeUndefined();
  });
});
