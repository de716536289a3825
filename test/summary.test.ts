import { describe, expect, it } from 'vitest';
import type { ChannelStat, Funnel, LossReason } from '../src/domain.js';
import { summarizeCampaigns } from '../src/summary.js';

const funnel = (figures: Partial<Funnel>): Funnel => ({
  target: null,
  sent: null,
  received: null,
  displayed: null,
  clicked: null,
  dismissed: null,
  ...figures,
});
const row = (figures: Partial<ChannelStat> & Pick<ChannelStat, 'channel' | 'platform'>): ChannelStat => ({
  messageType: null,
  eventType: null,
  target: null,
  sent: null,
  received: null,
  displayed: null,
  clicked: null,
  ...figures,
});
const loss = (figures: Partial<LossReason> & Pick<LossReason, 'stage' | 'errorCode' | 'count'>): LossReason => ({
  description: null,
  channel: null,
  eventType: null,
  ...figures,
});

describe('summarizeCampaigns', () => {
  it('sums each figure over the campaigns that report it; an unmeasured figure stays null, never 0', () => {
    const summary = summarizeCampaigns(3, [
      { funnel: funnel({ target: 10, sent: 8, dismissed: 1 }), channels: null, lossReasons: null },
      { funnel: funnel({ target: 5, sent: 4, received: 3 }), channels: [], lossReasons: [] },
      { funnel: null, channels: null, lossReasons: null },
    ]);
    expect(summary).toEqual({
      campaigns: 3,
      withFigures: 2,
      funnel: { target: 15, sent: 12, received: 3, displayed: null, clicked: null, dismissed: 1 },
      channels: [],
      lossReasons: [],
    });
  });

  it('answers no funnel when no campaign answered one', () => {
    expect(summarizeCampaigns(2, [])).toEqual({ campaigns: 2, withFigures: 0, funnel: null, channels: [], lossReasons: [] });
  });

  it('sums channels per channel + platform across vendors, dropping the vendor-specific split', () => {
    const { channels } = summarizeCampaigns(2, [
      {
        funnel: null,
        channels: [
          row({ channel: 'XIAOMI', platform: 'ANDROID', messageType: 'NOTIFICATION', sent: 5, received: 4 }),
          row({ channel: 'XIAOMI', platform: 'ANDROID', messageType: 'MESSAGE', sent: 1 }),
          row({ channel: 'APNS', platform: 'IOS', sent: 2 }),
        ],
        lossReasons: null,
      },
      {
        funnel: null,
        channels: [row({ channel: 'XIAOMI', platform: 'ANDROID', eventType: 'OFFLINE', sent: 3, clicked: 1 })],
        lossReasons: null,
      },
    ]);
    expect(channels).toEqual([
      row({ channel: 'XIAOMI', platform: 'ANDROID', sent: 9, received: 4, clicked: 1 }),
      row({ channel: 'APNS', platform: 'IOS', sent: 2 }),
    ]);
  });

  it('sums the overall loss reasons per stage + code, largest first, leaving out the per-platform lists', () => {
    const { lossReasons } = summarizeCampaigns(2, [
      {
        funnel: null,
        channels: null,
        lossReasons: [
          loss({ stage: 'READY_TO_SEND', errorCode: '404', count: 2 }),
          loss({ stage: 'READY_TO_SEND', errorCode: '404', count: 2, channel: 'XIAOMI', eventType: 'OFFLINE' }),
          loss({ stage: 'POST_SEND_DELIVERED', errorCode: '7', count: 3, description: 'expired' }),
        ],
      },
      {
        funnel: null,
        channels: null,
        lossReasons: [loss({ stage: 'READY_TO_SEND', errorCode: '404', count: 5, description: 'unregistered' })],
      },
    ]);
    expect(lossReasons).toEqual([
      loss({ stage: 'READY_TO_SEND', errorCode: '404', count: 7, description: 'unregistered' }),
      loss({ stage: 'POST_SEND_DELIVERED', errorCode: '7', count: 3, description: 'expired' }),
    ]);
  });
});
