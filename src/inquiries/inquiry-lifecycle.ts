/**
 * An inquiry's lifecycle: open → answered → closed (docs/ARCHITECTURE.md,
 * "Inquiry lifecycle").
 * Converting it into an order or a support request hands the matter over:
 * it closes the inquiry (from open or answered) and keeps the link both ways.
 *
 * Clocks (under the `inquiry:Pn` policies): the response clock stops
 * when the inquiry is answered; the resolution clock when it is closed
 * (closing or converting). An answered inquiry is still open work (it waits
 * to be closed, its resolution clock running), so it stays in the console queue.
 */
export const INQUIRY_STATES = ['open', 'answered', 'closed'] as const;
export type InquiryState = (typeof INQUIRY_STATES)[number];

export type InquiryAction = 'answer' | 'close' | 'convert';

/** Which action each state allows, and where it leads. */
export const INQUIRY_ACTIONS: Record<InquiryState, Partial<Record<InquiryAction, InquiryState>>> = {
  open: { answer: 'answered', convert: 'closed' },
  answered: { close: 'closed', convert: 'closed' },
  closed: {},
};

export const allowedInquiryActions = (state: InquiryState) => Object.keys(INQUIRY_ACTIONS[state]) as InquiryAction[];

/** What each action does to the clocks, in the SLA engine's words. */
export const INQUIRY_CLOCK_EFFECTS: Record<InquiryAction, ('stop_response' | 'stop_all')[]> = {
  answer: ['stop_response'],
  close: ['stop_all'],
  convert: ['stop_all'],
};

export const INQUIRY_CHANNELS = ['hotline', 'account_manager', 'web', 'walk_in'] as const;
export type InquiryChannel = (typeof INQUIRY_CHANNELS)[number];
export const INQUIRY_TOPICS = ['product', 'tariff', 'network_design', 'order_progress', 'billing', 'other'] as const;
export type InquiryTopic = (typeof INQUIRY_TOPICS)[number];

export const TOPIC_LABEL: Record<InquiryTopic, string> = {
  product: '产品咨询',
  tariff: '资费咨询',
  network_design: '组网咨询',
  order_progress: '订单进度',
  billing: '账务咨询',
  other: '其他咨询',
};
