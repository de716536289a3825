/**
 * The SDL of the two reference servers (bench/floor.ts, bench/naive.ts): only what the bench's
 * campaign queries select, so the same operation text runs on them and on pushgraph, and the
 * answers have the same JSON shape. Enum-valued fields are Strings: the JSON is identical.
 */
export const MINI_SDL = /* GraphQL */ `
  enum Vendor {
    JPUSH
    TENCENT
    ALIYUN
  }

  type Funnel {
    target: Int
    sent: Int
    received: Int
    displayed: Int
    clicked: Int
    dismissed: Int
  }

  type ChannelStat {
    channel: String!
    platform: String!
    messageType: String
    eventType: String
    target: Int
    sent: Int
    received: Int
    displayed: Int
    clicked: Int
  }

  type Campaign {
    vendor: Vendor!
    id: ID!
    availability: String!
    funnel: Funnel
    channels: [ChannelStat!]
  }

  type Query {
    campaigns(vendor: Vendor!, ids: [ID!]!): [Campaign]!
  }
`;
