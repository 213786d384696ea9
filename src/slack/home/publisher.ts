import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { CatalogSource } from '../../bedrock/catalog.js';
import type { HomeOverviews } from '../../home/overview.js';
import type { Logger } from '../../logger.js';
import { Documents } from '../../store/documents.js';
import { keys } from '../../store/keys.js';
import type { DocumentStore } from '../../store/types.js';
import { homeView } from './view.js';

export interface HomePublisherDeps {
  client: WebClient;
  overviews: Pick<HomeOverviews, 'of'>;
  catalog: CatalogSource;
  store: DocumentStore;
  logger: Logger;
}

/**
 * Publishes each person's App Home (views.publish) only when what it shows changed: a hash of the
 * last published view is kept per person, so opening Home again, or many people opening it at once,
 * costs no call for those whose Home is as it was, and views.publish stays under its rate limit.
 */
export class HomePublisher {
  private readonly shown: Documents<string>;

  constructor(private readonly deps: HomePublisherDeps) {
    this.shown = new Documents(
      deps.store,
      { name: 'home shown', version: 1, schema: z.string() },
      deps.logger,
    );
  }

  /** On app_home_opened: published when it changed since it was last published. */
  open(teamId: string, userId: string): Promise<void> {
    return this.publish(teamId, userId, false);
  }

  /**
   * After something it shows changed (usage, defaults): republished for a person who has opened Home,
   * so it is up to date when they look; nobody else is published to.
   */
  refresh(teamId: string, userId: string): Promise<void> {
    return this.publish(teamId, userId, true);
  }

  private async publish(teamId: string, userId: string, onlyIfOpened: boolean): Promise<void> {
    const { key, ttlSeconds } = keys.homeShown(teamId, userId);
    const last = await this.shown.get(key);
    if (onlyIfOpened && last === undefined) return;
    const [overview, catalog] = await Promise.all([
      this.deps.overviews.of(teamId, userId),
      this.deps.catalog.load().catch(() => undefined),
    ]);
    const view = homeView(overview, (id) => catalog?.find(id)?.model.name ?? id);
    const hash = createHash('sha256').update(JSON.stringify(view)).digest('base64url');
    if (hash === last) return;
    try {
      await this.deps.client.views.publish({ user_id: userId, view });
    } catch (error) {
      // Not remembered as shown, so the next open or change tries again.
      this.deps.logger.warn({ err: error, userId }, 'could not publish App Home');
      return;
    }
    await this.shown.set(key, hash, ttlSeconds);
  }
}
