// Memory-per-idle-VU benchmark (bench/run.sh, figure 3): VUs that only sleep.
import { sleep } from 'k6';

export default function () {
  sleep(1);
}
