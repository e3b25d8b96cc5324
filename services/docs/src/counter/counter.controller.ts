import { BadRequestException, Controller, Get, Param, UseGuards } from '@nestjs/common';
import { InternalGuard } from '@tandem/platform';
import { Id } from '@tandem/contracts';
import { CounterService } from './counter.service';

/**
 * Reads for the gateway (service-to-service, not exposed to browsers): the current state of a
 * counter document, behind the INTERNAL_TOKEN.
 */
@Controller('internal/docs')
@UseGuards(InternalGuard)
export class CounterController {
  constructor(private readonly counters: CounterService) {}

  @Get(':tenant/:docId')
  async get(@Param('tenant') tenant: string, @Param('docId') docId: string) {
    if (!Id.safeParse(tenant).success || !Id.safeParse(docId).success) throw new BadRequestException('tenant and docId must be ids ([A-Za-z0-9_.:-], 1-128 characters)');
    const { seq, value } = await this.counters.read(tenant, docId);
    return { kind: 'doc', docId, docType: 'counter', seq, value };
  }
}
