import { BadRequestException, Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { Id, PresenceRoom } from '@tandem/contracts';
import { InternalGuard } from '@tandem/platform';
import { PresenceViews } from './presence.views';

/** Users one status read may ask for (a gateway follows at most this many per connection). */
export const MAX_USERS_PER_READ = 500;

/**
 * Reads for the gateways (service-to-service, behind the INTERNAL_TOKEN): a room's roster now, and
 * the statuses of a list of users (to start following them).
 */
@Controller('internal/presence')
@UseGuards(InternalGuard)
export class PresenceController {
  constructor(private readonly views: PresenceViews) {}

  @Get(':tenant/rooms/:room')
  async roster(@Param('tenant') tenant: string, @Param('room') room: string) {
    if (!Id.safeParse(tenant).success) throw new BadRequestException('tenant must be an id ([A-Za-z0-9_.:-], 1-128 characters)');
    if (!PresenceRoom.safeParse(room).success) throw new BadRequestException('room must be <kind>:<id>, e.g. doc:plans');
    const { members } = await this.views.roster(tenant, room);
    return { room, members };
  }

  @Get(':tenant/users')
  async users(@Param('tenant') tenant: string, @Query('ids') ids: unknown) {
    if (!Id.safeParse(tenant).success) throw new BadRequestException('tenant must be an id ([A-Za-z0-9_.:-], 1-128 characters)');
    if (typeof ids !== 'string') throw new BadRequestException('ids must be a comma-separated list of user ids: ?ids=a,b,c');
    const list = [...new Set(ids.split(',').filter(Boolean))];
    if (list.length === 0 || list.length > MAX_USERS_PER_READ || list.some((id) => !Id.safeParse(id).success)) {
      throw new BadRequestException(`ids must be 1-${MAX_USERS_PER_READ} comma-separated user ids ([A-Za-z0-9_.:-], 1-128 characters each)`);
    }
    return { users: await this.views.users(tenant, list) };
  }
}
