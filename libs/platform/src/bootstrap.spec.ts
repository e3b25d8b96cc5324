import { Inject, Injectable, Module } from '@nestjs/common';
import { bootstrap } from './bootstrap';
import { loadConfig } from './config/config';

@Injectable()
class NeedsSomethingMissing {
  constructor(@Inject('MISSING') readonly missing: unknown) {}
}

@Module({ providers: [NeedsSomethingMissing] })
class BrokenModule {}

describe(bootstrap.name, () => {
  it('throws a start-up failure to its caller instead of exiting the process, so one broken in-process service fails only its own test', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`process.exit(${code}) was called`);
    }) as never);
    try {
      await expect(bootstrap('broken', BrokenModule, loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }))).rejects.toThrow(/can't resolve dependencies of the NeedsSomethingMissing/);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      exit.mockRestore();
    }
  });
});
