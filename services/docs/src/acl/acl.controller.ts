import { BadRequestException, Controller, Get, Param, UseGuards } from '@nestjs/common';
import { Id } from '@tandem/contracts';
import { InternalGuard } from '@tandem/platform';
import { AclService } from './acl.service';

/** Reads for gateways (service-to-service, behind the INTERNAL_TOKEN): a document's ACL. */
@Controller('internal/acl')
@UseGuards(InternalGuard)
export class AclController {
  constructor(private readonly acls: AclService) {}

  @Get(':tenant/doc/:docId')
  async get(@Param('tenant') tenant: string, @Param('docId') docId: string) {
    if (!Id.safeParse(tenant).success || !Id.safeParse(docId).success) throw new BadRequestException('tenant and docId must be ids ([A-Za-z0-9_.:-], 1-128 characters)');
    return this.acls.read(tenant, docId);
  }
}
