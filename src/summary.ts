import type { CampaignSummary } from './__generated__/resolvers-types.js';
import type { ChannelStat, Funnel, LossReason } from './domain.js';

/** What one campaign answered (null: the vendor knows no such campaign, or has no such figures). */
export interface CampaignFigures {
  funnel: Funnel | null;
  channels: ChannelStat[] | null;
  lossReasons: LossReason[] | null;
}

const FUNNEL_FIGURES = ['target', 'sent', 'received', 'displayed', 'clicked', 'dismissed'] as const;
const CHANNEL_FIGURES = ['target', 'sent', 'received', 'displayed', 'clicked'] as const;

/** A null figure is "not measured": it adds nothing, and a sum stays null until someone measures it. */
function add(total: number | null | undefined, figure: number | null | undefined): number | null {
  if (figure === null || figure === undefined) return total ?? null;
  return (total ?? 0) + figure;
}

function sumFunnels(funnels: readonly Funnel[]): Funnel | null {
  if (funnels.length === 0) return null;
  const total: Funnel = { target: null, sent: null, received: null, displayed: null, clicked: null, dismissed: null };
  for (const funnel of funnels) {
    for (const figure of FUNNEL_FIGURES) total[figure] = add(total[figure], funnel[figure]);
  }
  return total;
}

/** Per channel + platform across vendors; the vendor-specific split (messageType, eventType) is summed away. */
function sumChannels(lists: ReadonlyArray<readonly ChannelStat[]>): ChannelStat[] {
  const totals = new Map<string, ChannelStat>();
  for (const stat of lists.flat()) {
    const key = `${stat.channel}/${stat.platform}`;
    const total = totals.get(key) ?? {
      channel: stat.channel,
      platform: stat.platform,
      messageType: null,
      eventType: null,
      target: null,
      sent: null,
      received: null,
      displayed: null,
      clicked: null,
    };
    for (const figure of CHANNEL_FIGURES) total[figure] = add(total[figure], stat[figure]);
    totals.set(key, total);
  }
  return [...totals.values()];
}

/** The overall lists only (the per-platform lists count the same losses again), per stage + code, largest first. */
function sumLossReasons(lists: ReadonlyArray<readonly LossReason[]>): LossReason[] {
  const totals = new Map<string, LossReason>();
  for (const reason of lists.flat()) {
    if (reason.channel !== null && reason.channel !== undefined) continue;
    const key = `${reason.stage}/${reason.errorCode}`;
    const total = totals.get(key);
    if (total) {
      total.count += reason.count;
      total.description ??= reason.description ?? null;
    } else {
      totals.set(key, {
        stage: reason.stage,
        errorCode: reason.errorCode,
        count: reason.count,
        description: reason.description ?? null,
        channel: null,
        eventType: null,
      });
    }
  }
  return [...totals.values()].sort((a, b) => b.count - a.count || a.stage.localeCompare(b.stage) || a.errorCode.localeCompare(b.errorCode));
}

/** One normalized summary of `asked` campaigns, of which `answered` are those the vendors knew. */
export function summarizeCampaigns(asked: number, answered: readonly CampaignFigures[]): CampaignSummary {
  const funnels = answered.flatMap((campaign) => (campaign.funnel ? [campaign.funnel] : []));
  return {
    campaigns: asked,
    withFigures: funnels.length,
    funnel: sumFunnels(funnels),
    channels: sumChannels(answered.map((campaign) => campaign.channels ?? [])),
    lossReasons: sumLossReasons(answered.map((campaign) => campaign.lossReasons ?? [])),
  };
}
