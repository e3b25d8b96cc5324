import { Injectable } from '@nestjs/common';

/** The time, as a repository: presence is all about time, and tests need to control it. */
@Injectable()
export class Clock {
  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now();
  }
}
