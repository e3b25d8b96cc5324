import { Injectable } from '@nestjs/common';

/** The time changes are stamped with, as a repository: tests pin it to give many messages one timestamp. */
@Injectable()
export class ChatClock {
  now(): Date {
    return new Date();
  }
}
