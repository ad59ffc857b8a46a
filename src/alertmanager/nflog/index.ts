export { NotificationLog, type NflogEntry, type ReceiverKey, type NflogOptions } from './nflog.js';
