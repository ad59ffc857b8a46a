export {
  Silences,
  silenceState,
  SilenceNotFoundError,
  SilenceValidationError,
  type Silence,
  type SilenceInput,
  type SilenceState,
  type SilencesOptions,
} from './silences.js';
