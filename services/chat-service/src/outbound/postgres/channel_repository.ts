/**
 * Channels and memberships in Postgres. Name uniqueness (ignoring case) and
 * one direct channel per unordered pair are enforced by unique indexes, so
 * concurrent requests cannot break them.
 */
import type { Sql } from "@chat-ts/shared/postgres";
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { ChannelId, UserId } from "../../domain/ids.ts";
import type {
  Channel,
  ChannelDescription,
  ChannelName,
  DirectChannel,
  PublicChannel,
} from "../../domain/channel/models.ts";
import type { ChannelPage, ChannelRepository } from "../../domain/channel/ports.ts";

interface ChannelRow {
  id: string;
  type: string;
  name: string | null;
  description: string | null;
  created_by: string;
  created_at: Date;
  members: string[];
}

/** Sort key: named channels by name, then direct channels (no name) by id. */
const SORT_KEY = "coalesce(lower(c.name), '~' || c.id::text)";

export class PostgresChannelRepository implements ChannelRepository {
  constructor(private readonly sql: Sql) {}

  async findById(id: ChannelId): Promise<Channel | undefined> {
    const [row] = await this.sql<ChannelRow[]>`
      select c.*, coalesce(
        (select array_agg(m.user_id::text order by m.joined_at, m.user_id)
         from channel_members m where m.channel_id = c.id), '{}') as members
      from channels c where c.id = ${id}`;
    return row === undefined ? undefined : toChannel(row);
  }

  async createNamed(
    channel: Channel & { name: ChannelName },
  ): Promise<Result<Channel, "name_taken">> {
    const description = channel.type === "direct" ? null : channel.description;
    return await this.sql.begin(async (tx) => {
      const inserted = await tx`
        insert into channels (id, type, name, description, created_by, created_at)
        values (${channel.id}, ${channel.type}, ${channel.name}, ${description},
                ${channel.createdBy}, ${channel.createdAt})
        on conflict do nothing returning id`;
      if (inserted.length === 0) return err("name_taken" as const);
      if (channel.type === "private") {
        for (const member of channel.members) {
          await tx`insert into channel_members (channel_id, user_id, joined_at)
                   values (${channel.id}, ${member}, ${channel.createdAt})`;
        }
      }
      return ok(channel);
    });
  }

  async createDirect(
    channel: DirectChannel,
  ): Promise<{ channel: DirectChannel; created: boolean }> {
    const [low, high] = channel.members;
    const created = await this.sql.begin(async (tx) => {
      const inserted = await tx`
        insert into channels (id, type, created_by, created_at, direct_low, direct_high)
        values (${channel.id}, 'direct', ${channel.createdBy}, ${channel.createdAt}, ${low}, ${high})
        on conflict do nothing returning id`;
      if (inserted.length === 0) return false;
      for (const member of channel.members) {
        await tx`insert into channel_members (channel_id, user_id, joined_at)
                 values (${channel.id}, ${member}, ${channel.createdAt})`;
      }
      return true;
    });
    if (created) return { channel, created: true };
    const [row] = await this.sql<{ id: string }[]>`
      select id from channels where type = 'direct' and direct_low = ${low} and direct_high = ${high}`;
    const existing = row === undefined ? undefined : await this.findById(row.id as ChannelId);
    if (existing?.type !== "direct") throw new Error(`direct channel for ${low}/${high} vanished`);
    return { channel: existing, created: false };
  }

  async listPublic(page: ChannelPage): Promise<Channel[]> {
    const rows = await this.sql<ChannelRow[]>`
      select c.*, '{}'::text[] as members from channels c
      where c.type = 'public' ${
      page.after === undefined ? this.sql`` : this.sql`and lower(c.name) > lower(${page.after})`
    }
      order by lower(c.name) limit ${page.limit}`;
    return rows.map(toChannel);
  }

  async listForMember(userId: UserId, page: ChannelPage): Promise<Channel[]> {
    const rows = await this.sql<ChannelRow[]>`
      select c.*, coalesce(
        (select array_agg(m.user_id::text order by m.joined_at, m.user_id)
         from channel_members m where m.channel_id = c.id), '{}') as members
      from channels c
      where exists (select 1 from channel_members m where m.channel_id = c.id and m.user_id = ${userId})
      ${
      page.after === undefined
        ? this.sql``
        : this.sql`and ${this.sql.unsafe(SORT_KEY)} > lower(${page.after})`
    }
      order by ${this.sql.unsafe(SORT_KEY)} limit ${page.limit}`;
    return rows.map(toChannel);
  }

  async memberChannelIds(userId: UserId): Promise<ChannelId[]> {
    const rows = await this.sql<{ channel_id: string }[]>`
      select m.channel_id from channel_members m join channels c on c.id = m.channel_id
      where m.user_id = ${userId} and c.type <> 'public' limit 1000`;
    return rows.map((r) => r.channel_id as ChannelId);
  }

  async joinPublic(
    channel: PublicChannel,
    userId: UserId,
  ): Promise<{ channel: PublicChannel; created: boolean } | undefined> {
    return await this.sql.begin(async (tx) => {
      const inserted = await tx`
        insert into channels (id, type, name, description, created_by, created_at)
        values (${channel.id}, 'public', ${channel.name}, ${channel.description},
                ${channel.createdBy}, ${channel.createdAt})
        on conflict do nothing returning id`;
      const [row] = await tx<ChannelRow[]>`
        select c.*, '{}'::text[] as members from channels c
        where lower(c.name) = lower(${channel.name})`;
      if (row === undefined || row.type !== "public") return undefined;
      await tx`insert into channel_members (channel_id, user_id) values (${row.id}, ${userId})
               on conflict do nothing`;
      const found = toChannel(row);
      if (found.type !== "public") return undefined;
      return { channel: found, created: inserted.length > 0 };
    });
  }

  async addMember(channelId: ChannelId, userId: UserId): Promise<boolean> {
    const rows = await this.sql`
      insert into channel_members (channel_id, user_id) values (${channelId}, ${userId})
      on conflict do nothing returning user_id`;
    return rows.length > 0;
  }

  /** Memberships and created channels in one transaction. */
  async eraseUser(userId: UserId): Promise<ChannelId[]> {
    return await this.sql.begin(async (tx) => {
      // Direct channels the user is in go too: they cannot outlive one of their two members.
      const removed = await tx<{ id: string }[]>`
        delete from channels c
        where c.created_by = ${userId} or (c.type = 'direct' and ${userId} in (c.direct_low, c.direct_high))
        returning id`;
      await tx`delete from channel_members where user_id = ${userId}`;
      return removed.map((r) => r.id as ChannelId);
    });
  }

  async removeMember(channelId: ChannelId, userId: UserId): Promise<boolean> {
    const rows = await this.sql`
      delete from channel_members where channel_id = ${channelId} and user_id = ${userId} returning user_id`;
    if (rows.length === 0) return false;
    await this.sql`
      delete from channels c where c.id = ${channelId} and c.type = 'private'
        and not exists (select 1 from channel_members m where m.channel_id = c.id)`;
    return true;
  }
}

function toChannel(row: ChannelRow): Channel {
  const base = {
    id: row.id as ChannelId,
    createdBy: row.created_by as UserId,
    createdAt: row.created_at,
  };
  const members = row.members as UserId[];
  const named = {
    ...base,
    name: row.name as ChannelName,
    description: row.description as ChannelDescription | null,
  };
  switch (row.type) {
    case "public":
      return { ...named, type: "public" };
    case "private":
      return { ...named, type: "private", members };
    case "direct": {
      const [a, b] = members;
      if (a === undefined || b === undefined) {
        throw new Error(`direct channel ${row.id} lacks members`);
      }
      return { ...base, type: "direct", members: [a, b] };
    }
    default:
      throw new Error(`channel ${row.id} has unknown type ${row.type}`);
  }
}
